"""What the queue benchmarks (bench/queue.py, bench/scale.py) share: the fake ComfyUI backends in a process
of their own (bench/_fake_farm.py) and the times they saw, worker processes (bench/_worker.py), a
server for their PostgreSQL databases (bench/_databases.py), and the figures made of what they measured."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bench._databases import server_from_env
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.kinds.image import ImageParams

PROJECT = Path(__file__).resolve().parents[1]
POSTGRES = server_from_env("BENCH_POSTGRES_URL")  # the server the queue benchmarks make their databases on


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


def busy_share(timings: dict[str, list[list[float]]], backends: int) -> float:
    """The share of the backends' time spent running prompts between the first start and the last end."""
    runs = [run for backend in timings.values() for run in backend]
    span = max(end for _, end in runs) - min(start for start, _ in runs)
    return sum(end - start for start, end in runs) / (backends * span)


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
