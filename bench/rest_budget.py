"""Benchmark: what one take of the shared Discord REST budget costs on PostgreSQL.

    python bench/rest_budget.py              # 5,000 takes in a row, then 3 pools x 4 takers at once
    python bench/rest_budget.py --takes 20000

Creates its own throwaway database on the server (env BENCH_DATABASE_URL or TEST_DATABASE_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres), migrates it, and times the product's own store:
a take of the global rate and a route bucket (what every bot-token request does), and an observation of
a response's headers. Prints the latency (median and p99, µs), the bot process's CPU per request and the
PostgreSQL backend's CPU per request (read from /proc when the server runs on this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import URL

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench's own helpers too

from bench._databases import create_database, drop_database, server_from_env
from core.rest_budget.rules import Rate
from db.rest_budget import PostgresBudgetStore

# Generous: the bench measures a take's cost, not waits (a refused take costs the same statement).
RATE = Rate(per_s=1_000_000, burst=1000)
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_s(pids: list[int]) -> float | None:
    """utime + stime of the server's backends, if they are processes on this machine."""
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists():
            return None
        fields = stat.read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


async def backend_pids(store: PostgresBudgetStore, connections: int) -> list[int]:
    pool = store._pool  # the bench looks at the store's own connections
    held = [await pool.acquire() for _ in range(connections)]
    try:
        return [int(await c.fetchval("SELECT pg_backend_pid()")) for c in held]
    finally:
        for c in held:
            await pool.release(c)


async def in_a_row(url: URL, takes: int) -> None:
    store = await PostgresBudgetStore.open(url.render_as_string(hide_password=False), connections=1)
    try:
        pids = await backend_pids(store, 1)
        for i in range(200):  # warm up: prepared statements, the row in shared buffers
            await store.take("bench:global", RATE, f"bench:PATCH /channels/{{channel_id}}:{i % 50}")
        latencies: list[float] = []
        server_before = backend_cpu_s(pids)
        cpu_before = time.process_time()
        for i in range(takes):
            started = time.perf_counter()
            await store.take("bench:global", RATE, f"bench:PATCH /channels/{{channel_id}}:{i % 50}")
            latencies.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu_before
        server_after = backend_cpu_s(pids)
        observe_started = time.perf_counter()
        for i in range(takes):
            await store.observe(
                f"bench:PATCH /channels/{{channel_id}}:{i % 50}", remaining=4, reset_after=5.0, limit=5
            )
        observe_us = (time.perf_counter() - observe_started) / takes * 1e6
    finally:
        await store.close()
    latencies.sort()
    print(f"take (global + route), one connection, {takes} in a row:")
    median, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    print(f"  latency median {median * 1e6:7.0f} µs   p99 {p99 * 1e6:7.0f} µs")
    print(f"  bot process CPU per take   {cpu / takes * 1e6:7.0f} µs")
    if server_before is not None and server_after is not None:
        print(f"  PostgreSQL CPU per take    {(server_after - server_before) / takes * 1e6:7.0f} µs")
    print(f"  observe (headers of a response), mean {observe_us:7.0f} µs")


async def concurrently(url: URL, takes: int, pools: int, takers: int) -> None:
    stores = [
        await PostgresBudgetStore.open(url.render_as_string(hide_password=False), connections=2)
        for _ in range(pools)
    ]
    left = takes

    async def taker(store: PostgresBudgetStore) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await store.take("bench:global", RATE, None)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(taker(stores[i % pools]) for i in range(pools * takers)))
        elapsed = time.perf_counter() - started
    finally:
        for store in stores:
            await store.close()
    print(f"{pools} pools x {takers} takers on one global row: {takes / elapsed:8.0f} takes/s")
    print(f"  (Discord's global limit is 50/s per token: the row is {takes / elapsed / 50:.0f}x faster)")


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--takes", type=int, default=5_000)
    args = parser.parse_args()
    server = server_from_env("BENCH_DATABASE_URL", "TEST_DATABASE_URL")
    url = await create_database(server, "bench_rest_budget")
    try:
        print(f"machine: {os.cpu_count()} cores")
        await in_a_row(url, args.takes)
        await concurrently(url, args.takes, pools=3, takers=4)
    finally:
        await drop_database(server, str(url.database))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
