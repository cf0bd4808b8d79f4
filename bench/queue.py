"""The queue's figures, printed as one JSON line: throughput, idle gap, submit latency, fairness, CPU, memory.

    python bench/queue.py                  # 1,000 jobs from 100 guilds on 1, 2 and 8 fake backends
    python bench/queue.py --jobs 200       # quicker

The fake ComfyUI backends run in a separate process (bench/_fake_farm.py) with a fixed job time, and time
every prompt they run, so the idle gap is what a backend really saw between two prompts. A benchmark
prints figures; it asserts nothing.
"""

from __future__ import annotations

# Run as a script, this file's folder comes first on sys.path, and this file would shadow the standard
# library's `queue` (which asyncio needs): take the folder off before anything else is imported.
import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy import func, insert, select

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench._worker import ask_cpu
from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.dispatcher import Dispatcher
from core.jobs.policy import Requester
from core.jobs.queue_settings import QueueSettings
from core.jobs.service import JobRequest
from core.jobs.snapshots import JobView
from core.jobs.updates import JobCompleted, JobFailed, JobUpdate
from core.kinds import IMAGE
from core.kinds.image import ImageParams
from db.enums import JobStatus
from db.migrate import upgrade_to_head
from db.models import Job
from db.snapshots import QueuedJob

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def jain(values: list[float]) -> float:
    total = sum(values)
    squares = sum(v * v for v in values)
    return total * total / (len(values) * squares) if squares else 1.0


class CountingObserver:
    def __init__(self) -> None:
        self.order: list[JobView] = []
        self.failed = 0
        self.done = asyncio.Event()
        self.expected = 0

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobCompleted | JobFailed):
            self.order.append(job)
            self.failed += isinstance(update, JobFailed)
            if len(self.order) >= self.expected:
                self.done.set()


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


async def sqlite_url(tmp: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    await upgrade_to_head(url)
    return url


def request(guild_id: int, user_id: int) -> JobRequest:
    return JobRequest(
        guild_id=guild_id,
        requester=Requester(user_id=user_id, channel_id=guild_id + 1),
        raw_input="bench",
        params=ImageParams(prompt=f"bench job for guild {guild_id}"),
    )


def instrument_scheduler() -> Callable[[], float]:
    """Wrap the scheduling code (choosing and handing out jobs) to add up the time spent in it."""
    spent = [0.0]
    originals = {name: getattr(Dispatcher, name) for name in ("_start_ready", "enqueue")}

    def timed(name: str) -> Any:
        original = originals[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started

        return wrapper

    for name in originals:
        setattr(Dispatcher, name, timed(name))
    return lambda: spent[0]


async def throughput(
    backends: int, jobs: int, guilds: int, step_s: float, steps: int, tmp: Path, prequeue_depth: int = 1
) -> dict[str, Any]:
    scheduler_time = instrument_scheduler()
    async with fake_farm(backends, step_s, steps) as farm, aiohttp.ClientSession() as http:
        config = RuntimeConfig(
            database_url=await sqlite_url(tmp),
            comfyui_urls=farm["urls"],
            data_dir=tmp / f"data-{backends}",
            client_id="bench",
            queue=QueueSettings(worker_id="bench", prequeue_depth=prequeue_depth),
        )
        runtime = await CoreRuntime.build(config, http=http)
        observer = CountingObserver()
        observer.expected = jobs
        runtime.observer.target = observer
        # The whole burst is queued first, guild by guild as it might arrive: a first-come queue would
        # serve guild 0 entirely first, a fair one takes guilds in turn. Then the workers start.
        per_guild = jobs // guilds
        for guild in range(guilds):
            for index in range(per_guild):
                await runtime.service.submit(request(guild, guild * 1000 + index % 5))
        cpu_before, spent_before = time.process_time(), scheduler_time()
        started = time.perf_counter()
        await runtime.start()
        try:
            await asyncio.wait_for(observer.done.wait(), timeout=jobs * step_s * steps * 4 + 120)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_before
            scheduler = scheduler_time() - spent_before
            gaps, durations = gaps_and_job_time(await farm_timings(http, farm["control"]))
        finally:
            await runtime.close()
    job_time = statistics.fmean(durations)
    first_half = Counter(job.guild_id for job in observer.order[: jobs // 2])
    return {
        "backends": backends,
        "prequeue_depth": prequeue_depth,
        "jobs": jobs,
        "failed": observer.failed,
        "job_time_ms": round(job_time * 1000, 2),
        "throughput_jobs_s": round(jobs / elapsed, 2),
        "ratio_of_ideal": round((jobs / elapsed) / (backends / job_time), 4),
        "idle_gap_ms": {
            "p50": round(percentile(gaps, 0.5) * 1000, 3),
            "p99": round(percentile(gaps, 0.99) * 1000, 3),
        },
        "jain_first_half": round(jain([float(first_half.get(g, 0)) for g in range(guilds)]), 4),
        "scheduler_cpu_ms_per_job": round(scheduler / jobs * 1000, 4),
        "process_cpu_ms_per_job": round(cpu / jobs * 1000, 3),
    }


async def submit_latency(queued: int, samples: int, tmp: Path) -> dict[str, Any]:
    """p50/p99 of JobService.submit with `queued` jobs waiting (nothing runs, so the queue stays full)."""
    url = await sqlite_url(tmp)
    config = RuntimeConfig(
        database_url=url,
        comfyui_urls=["http://127.0.0.1:9"],  # nothing listens: jobs stay queued
        data_dir=tmp / "data-latency",
        client_id="bench",
        queue=QueueSettings(worker_id="bench", global_max_running=0),
    )
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        async with runtime.sessions.begin() as session:
            rows = [
                {
                    "guild_id": i % 1000,
                    "channel_id": 1,
                    "user_id": i,
                    "kind": IMAGE,
                    "raw_input": "x",
                    "params": {"prompt": "x", "seed": i},
                    "workflow_name": "txt2img",
                    "workflow_version": "v",
                    "seed": i,
                    "status": JobStatus.QUEUED,
                }
                for i in range(queued)
            ]
            await session.execute(insert(Job), rows)
        await runtime.start()
        try:
            latencies = []
            for i in range(samples):
                started = time.perf_counter()
                await runtime.service.submit(request(10_000 + i, i))
                latencies.append(time.perf_counter() - started)
            in_queue = runtime.dispatcher.queued_count()
            memory = measure_queue_memory(runtime.dispatcher, 10_000)
        finally:
            await runtime.close()
    return {
        "queued": in_queue,
        "submit_ms": {
            "p50": round(percentile(latencies, 0.5) * 1000, 3),
            "p99": round(percentile(latencies, 0.99) * 1000, 3),
        },
        "memory_bytes_per_queued_job": memory,
    }


def measure_queue_memory(dispatcher: Dispatcher, count: int) -> int:
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for i in range(count):
        dispatcher.enqueue(QueuedJob(50_000_000 + i, 777_000 + i % 100, 888_000 + i % 1000, "txt2img"))
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return round(grown / count)


async def two_workers_on_postgres(
    jobs: int, guilds: int, step_s: float, steps: int, tmp: Path
) -> dict[str, Any]:
    """The same throughput measurement with 2 worker processes sharing one Postgres database."""
    name = f"bench_queue_{uuid.uuid4().hex[:8]}"
    admin = POSTGRES.replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    workers: list[asyncio.subprocess.Process] = []
    try:
        await upgrade_to_head(url)
        async with fake_farm(2, step_s, steps) as farm, aiohttp.ClientSession() as http:
            for worker_id in ("w1", "w2"):
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bench._worker", url, str(tmp / worker_id), worker_id,
                    *farm["urls"],
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.DEVNULL, cwd=PROJECT,
                    env={**os.environ, "PYTHONPATH": str(PROJECT)},
                )  # fmt: skip
                assert process.stdout is not None
                await process.stdout.readline()
                workers.append(process)
            config = RuntimeConfig(
                database_url=url,
                comfyui_urls=farm["urls"],
                data_dir=tmp / "submitter",
                client_id="bench-submitter",
                queue=QueueSettings(worker_id="submitter", global_max_running=0),
            )
            runtime = await CoreRuntime.build(config, http=http)
            await runtime.start()
            try:
                started = time.perf_counter()
                for guild in range(guilds):
                    for index in range(jobs // guilds):
                        await runtime.service.submit(request(guild, guild * 1000 + index % 5))
                while True:
                    async with runtime.sessions() as session:
                        finished = await session.scalar(
                            select(func.count()).where(
                                Job.status.in_([JobStatus.SUCCEEDED, JobStatus.FAILED])
                            )
                        )
                    if finished >= jobs:
                        break
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - started
                gaps, durations = gaps_and_job_time(await farm_timings(http, farm["control"]))
                cpu = [await ask_cpu(process) for process in workers]
            finally:
                await runtime.close()
    finally:
        for process in workers:
            process.kill()
            await process.wait()
        connection = await asyncpg.connect(admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()
    job_time = statistics.fmean(durations)
    return {
        "workers": 2,
        "backends": 2,
        "cpu_ms_per_job_per_worker": [
            round(c["cpu_s"] / len(c["delivered"]) * 1000, 3) if c["delivered"] else None for c in cpu
        ],
        "jobs": jobs,
        "ratio_of_ideal": round((jobs / elapsed) / (2 / job_time), 4),
        "idle_gap_ms": {
            "p50": round(percentile(gaps, 0.5) * 1000, 3),
            "p99": round(percentile(gaps, 0.99) * 1000, 3),
        },
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--step-ms", type=float, default=10.0)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--backends", type=int, nargs="+", default=[1, 2, 8])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--prequeue-depth", type=int, default=1, help="prompts waiting on each backend beyond the running one"
    )
    args = parser.parse_args()
    step_s = args.step_ms / 1000
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as directory:
        tmp = Path(directory)
        results: dict[str, Any] = {"throughput": []}
        for backends in args.backends:
            results["throughput"].append(
                await throughput(
                    backends, args.jobs, args.guilds, step_s, args.steps, tmp, args.prequeue_depth
                )
            )
        results["submit_with_10000_queued"] = await submit_latency(10_000, 300, tmp)
        if not args.skip_postgres:
            results["postgres_two_workers"] = await two_workers_on_postgres(
                args.jobs, args.guilds, step_s, args.steps, tmp
            )
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
