"""Benchmark: history pages and "my queued jobs" on a PostgreSQL database with many jobs.

    python bench/history.py                # 1,000,000 jobs over 1,000 guilds
    python bench/history.py --jobs 100000  # smaller

Creates its own throwaway database on the server (env BENCH_DATABASE_URL or TEST_DATABASE_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres), migrates it, fills it in SQL with generate_series,
then times the product's own repository calls and prints the median and p99 of each, end to end and as
the server reports it (EXPLAIN ANALYZE of the very same statement). Goal: p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import URL, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench's own helpers too

from bench._databases import asyncpg_dsn, create_database, drop_database, server_from_env
from core.kinds import SONG
from db.engine import create_engine, create_sessionmaker
from db.repositories import JobRepository

GUILD_BASE = 100_000_000_000_000_000
USER_BASE = 200_000_000_000_000_000
USERS_PER_GUILD = 50

# One statement: N jobs spread round-robin over the guilds, one per second of history. Users, kinds and
# prompts vary with the round (i / guilds), so every guild sees each of them equally often. The newest few
# per guild are still queued or running, as on a busy day; the rest are finished.
FILL_SQL = """
INSERT INTO jobs (guild_id, channel_id, user_id, kind, raw_input, params, workflow_name, workflow_version,
                  seed, status, attempts, queued_at, started_at, finished_at, delivery_state, updated_at)
SELECT $2::bigint + (i % $4),
       $2::bigint + (i % $4) + 7,
       $3::bigint + (i % $4) * $5 + ((i / $4) % $5),
       CASE WHEN (i / $4) % 3 = 0 THEN 'song' ELSE 'image' END,
       (ARRAY['a lighthouse at dusk', 'lofi beats to study to', 'a cat in a hat', 'cyberpunk city rain',
              'portrait of an old sailor', 'synthwave sunset'])[1 + (i / $4) % 6] || ' #' || i,
       jsonb_build_object('prompt', 'prompt ' || i, 'steps', 20 + i % 10, 'cfg', 7.5),
       CASE WHEN (i / $4) % 3 = 0 THEN 'ace-step' ELSE 'sdxl' END,
       'c0ffee',
       (i::numeric * 2654435761) % 18446744073709551615,
       CASE WHEN i > $1 - 2 * $4 THEN 'queued'
            WHEN i > $1 - 3 * $4 THEN 'running'
            WHEN i % 20 = 0 THEN 'failed'
            ELSE 'succeeded' END,
       1,
       now() - ($1 - i) * interval '1 second',
       CASE WHEN i > $1 - 2 * $4 THEN NULL ELSE now() - ($1 - i) * interval '1 second' END,
       CASE WHEN i > $1 - 3 * $4 THEN NULL ELSE now() - ($1 - i) * interval '1 second' + interval '9 s' END,
       CASE WHEN i > $1 - 3 * $4 THEN 'pending' ELSE 'delivered' END,
       now()
FROM generate_series(1, $1) AS s(i)
"""


async def fill(url: URL, jobs: int, guilds: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        started = time.perf_counter()
        # Bulk load: drop the secondary indexes, insert, build them again (much faster than row by row).
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        await connection.execute(FILL_SQL, jobs, GUILD_BASE, USER_BASE, guilds, USERS_PER_GUILD)
        filled = time.perf_counter()
        for index in indexes:
            await connection.execute(index["indexdef"])
        indexed = time.perf_counter()
        await connection.execute("VACUUM ANALYZE jobs")
        vacuumed = time.perf_counter()
        print(
            f"filled {jobs:,} jobs over {guilds:,} guilds: insert {filled - started:.1f} s, "
            f"{len(indexes)} indexes {indexed - filled:.1f} s, VACUUM ANALYZE {vacuumed - indexed:.1f} s"
        )
    finally:
        await connection.close()


class LastStatement:
    """Remembers the SQL the repository just sent, to ask the server how long that exact query takes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sql = ""
        self.parameters: Any = ()
        event.listen(engine.sync_engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        if not sql.startswith("EXPLAIN"):
            self.sql, self.parameters = sql, parameters


def percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return f"median {statistics.median(timings):6.2f} ms  p99 {p99:6.2f} ms"


async def measure(
    name: str, runs: int, query: Callable[[], Awaitable[object]], session: AsyncSession, last: LastStatement
) -> None:
    """End to end (repository call, as the bot makes it) and on the server alone (EXPLAIN ANALYZE).

    The second figure is immune to this process being descheduled on a busy machine.
    """
    for _ in range(min(50, runs)):
        await query()  # warm the pool, caches and statement cache
    end_to_end, server = [], []
    for _ in range(runs):
        started = time.perf_counter()
        await query()
        end_to_end.append((time.perf_counter() - started) * 1000)
        connection = await session.connection()
        explained = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {last.sql}", last.parameters
        )
        plan = explained.scalar_one()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        server.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
    print(f"{name:<44} end-to-end {percentiles(end_to_end)}   server {percentiles(server)}")


async def run_queries(url: URL, jobs: int, guilds: int, runs: int) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    last = LastStatement(engine)
    rng = random.Random(1)

    def guild() -> int:
        return GUILD_BASE + rng.randrange(guilds)

    def member(guild_id: int) -> int:
        return USER_BASE + (guild_id - GUILD_BASE) * USERS_PER_GUILD + rng.randrange(USERS_PER_GUILD)

    try:
        async with sessions() as session:
            repository = JobRepository(session)

            async def history_page() -> object:
                return await repository.history(guild(), limit=10)

            async def history_deep_page() -> object:
                return await repository.history(guild(), limit=10, before_id=rng.randrange(jobs // 2, jobs))

            async def history_of_a_member() -> object:
                guild_id = guild()
                return await repository.history(guild_id, user_id=member(guild_id), limit=10)

            async def history_of_songs() -> object:
                return await repository.history(guild(), kind=SONG, limit=10)

            async def history_search() -> object:
                return await repository.history(guild(), search="SUNSET", limit=10)

            async def history_search_no_match() -> object:
                # The worst case: every job of the guild is read and none matches.
                return await repository.history(guild(), search="no such words", limit=10)

            async def my_queued_jobs() -> object:
                guild_id = guild()
                return await repository.active_for_user(guild_id, member(guild_id))

            async def my_caps() -> object:
                guild_id = guild()
                return await repository.active_counts_for_user(guild_id, member(guild_id))

            await measure("history page (guild, newest 10)", runs, history_page, session, last)
            await measure("history page (guild, keyset cursor)", runs, history_deep_page, session, last)
            await measure("history page (guild + user)", runs, history_of_a_member, session, last)
            await measure("history page (guild + kind)", runs, history_of_songs, session, last)
            await measure("history page (guild + text search)", runs, history_search, session, last)
            await measure(
                "history page (text search, no match: worst)", runs, history_search_no_match, session, last
            )
            await measure("my queued jobs (guild + user, live)", runs, my_queued_jobs, session, last)
            await measure("my queued/running counts (caps)", runs, my_caps, session, last)
    finally:
        await engine.dispose()


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--guilds", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=2_000, help="timed runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    server = server_from_env("BENCH_DATABASE_URL", "TEST_DATABASE_URL")
    url = await create_database(server, "bench_history")
    try:
        await fill(url, args.jobs, args.guilds)
        await run_queries(url, args.jobs, args.guilds, args.runs)
    finally:
        if args.keep:
            print(f"kept database {url.database}")
        else:
            await drop_database(server, str(url.database))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
