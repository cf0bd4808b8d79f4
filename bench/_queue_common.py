"""What the queue benchmarks (bench/queue.py, bench/scale.py) share: the fake ComfyUI backends in a process
of their own (bench/_fake_farm.py) and the times they saw, worker processes (bench/_worker.py), a
PostgreSQL database of their own, and the figures made of what they measured."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.kinds.image import ImageParams
from db.migrate import upgrade_to_head

PROJECT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
_ADMIN = POSTGRES.replace("postgresql+asyncpg", "postgresql")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def jain(values: list[float]) -> float:
    total = sum(values)
    squares = sum(v * v for v in values)
    return total * total / (len(values) * squares) if squares else 1.0


@asynccontextmanager
async def fake_farm(backends: int, step_s: float, steps: int) -> AsyncIterator[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._fake_farm", str(backends), str(step_s), str(steps),
        stdout=asyncio.subprocess.PIPE, cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )  # fmt: skip
    assert process.stdout is not None
    farm = json.loads(await process.stdout.readline())
    try:
        yield farm
    finally:
        process.kill()
        await process.wait()


async def farm_timings(http: aiohttp.ClientSession, control: str) -> dict[str, list[list[float]]]:
    async with http.get(f"{control}/timings") as response:
        result: dict[str, list[list[float]]] = await response.json()
        return result


def gaps_and_job_time(timings: dict[str, list[list[float]]]) -> tuple[list[float], list[float]]:
    gaps: list[float] = []
    durations: list[float] = []
    for runs in timings.values():
        runs = sorted(runs)
        durations += [end - start for start, end in runs]
        gaps += [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
    return gaps, durations


async def new_database(prefix: str) -> tuple[str, str]:
    """A new, migrated database on the benchmark's PostgreSQL server: (its URL, its name)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(_ADMIN)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    try:
        await upgrade_to_head(url)
    except BaseException:
        await drop_database(name)
        raise
    return url, name


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(_ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


async def start_worker(
    url: str, data_dir: Path, worker_id: str, urls: list[str]
) -> asyncio.subprocess.Process:
    """A worker process (bench/_worker.py) on `url` driving the backends at `urls`; it prints a line once
    it is ready."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._worker", url, str(data_dir), worker_id, *urls,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )  # fmt: skip
    return process


def request(guild_id: int, user_id: int) -> JobRequest:
    return JobRequest(
        guild_id=guild_id,
        requester=Requester(user_id=user_id, channel_id=guild_id + 1),
        raw_input="bench",
        params=ImageParams(prompt=f"bench job for guild {guild_id}"),
    )
