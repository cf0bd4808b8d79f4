"""The queue's figures, printed as one JSON line: throughput, idle gap, submit latency, fairness, CPU, memory.

    python bench/queue.py                  # 1,000 jobs from 100 guilds on 1, 2 and 8 fake backends
    python bench/queue.py --jobs 200       # quicker
    python bench/queue.py --submit-only    # only submit latency and memory with 10,000 jobs queued (SQLite)

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
import resource
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import insert

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench._database_trips import count_database_trips
from bench._loop_sleeps import count_loop_sleeps
from bench._queue_common import (
    busy_share,
    fake_farm,
    farm_timings,
    gaps_and_job_time,
    jain,
    percentile,
    request,
)
from bench._two_workers import two_workers_on_postgres
from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.dispatcher import Dispatcher
from core.jobs.queue_settings import QueueSettings
from core.jobs.snapshots import JobView
from core.jobs.updates import JobCompleted, JobFailed, JobUpdate
from core.kinds import IMAGE
from db.enums import JobStatus
from db.migrate import upgrade_to_head
from db.models import Job
from db.snapshots import QueuedJob


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


async def sqlite_url(tmp: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    await upgrade_to_head(url)
    return url


def instrument_scheduler() -> Callable[[], float]:
    """Wrap the scheduling code (choosing and handing out jobs) to add up the time spent in it: the CPU of
    the event loop's thread, which it runs on (read in 0.4 µs; the whole process's, summed by the kernel over
    its threads, took 2.1 µs p50 and up to 40 µs mid-run)."""
    spent = [0.0]
    originals = {name: getattr(Dispatcher, name) for name in ("_start_ready", "enqueue")}

    def timed(name: str) -> Any:
        original = originals[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.thread_time() - started

        return wrapper

    for name in originals:
        setattr(Dispatcher, name, timed(name))
    return lambda: spent[0]


async def throughput(
    backends: int,
    jobs: int,
    guilds: int,
    step_s: float,
    steps: int,
    tmp: Path,
    prequeue_depth: int = 1,
    quiet_below_s: float | None = None,
) -> dict[str, Any]:
    scheduler_time = instrument_scheduler()
    async with fake_farm(backends, step_s, steps) as farm, aiohttp.ClientSession() as http:
        config = RuntimeConfig(
            database_url=await sqlite_url(tmp),
            comfyui_urls=farm["urls"],
            data_dir=tmp / f"data-{backends}",
            client_id="bench",
            queue=replace(
                QueueSettings(worker_id="bench", prequeue_depth=prequeue_depth),
                **({} if quiet_below_s is None else {"quiet_below_s": quiet_below_s}),
            ),
            freeze_boot_heap=True,  # as in a bot process (bot.cli.runtime_config)
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
        sleeps = count_loop_sleeps(asyncio.get_running_loop())
        trips, stop_counting_trips = count_database_trips()
        cpu_before, spent_before = time.process_time(), scheduler_time()
        # The event loop's own thread (this one), and the kernel's share of the whole process: the rest is
        # aiosqlite's and the file writes' threads, and on a small VM mostly system time that varies.
        loop_before, system_before = time.thread_time(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
        started = time.perf_counter()
        await runtime.start()
        try:
            await asyncio.wait_for(observer.done.wait(), timeout=jobs * step_s * steps * 4 + 120)
            finished = time.perf_counter()
            elapsed = finished - started
            cpu = time.process_time() - cpu_before
            loop_cpu = time.thread_time() - loop_before
            system_cpu = resource.getrusage(resource.RUSAGE_SELF).ru_stime - system_before
            scheduler = scheduler_time() - spent_before
            loop_sleeps = sleeps()
            database_trips = trips()
            timings = await farm_timings(http, farm["control"])
            gaps, durations = gaps_and_job_time(timings)
        finally:
            stop_counting_trips()
            await runtime.close()
    job_time = statistics.fmean(durations)
    first_half = Counter(job.guild_id for job in observer.order[: jobs // 2])
    return {
        "backends": backends,
        "prequeue_depth": prequeue_depth,
        "quiet_below_s": config.queue.quiet_below_s,
        "jobs": jobs,
        "failed": observer.failed,
        "job_time_ms": round(job_time * 1000, 2),
        "throughput_jobs_s": round(jobs / elapsed, 2),
        "ratio_of_ideal": round((jobs / elapsed) / (backends / job_time), 4),
        # The backends' busy share from the first prompt's start to the last one's end, on the farm's clock:
        # the whole-run ratio above also counts the bot's start (connecting, reading /object_info) and the
        # last result's delivery, which no queue can overlap with prompts.
        "busy_while_running": round(busy_share(timings, backends), 4),
        # What the whole-run ratio loses outside the steady state, on the shared monotonic clock (the farm is
        # another process): the bot's start to each backend's first prompt (the slowest backend), and the
        # last prompt's end to its result delivered.
        "start_to_first_prompt_ms": round((max(min(r)[0] for r in timings.values()) - started) * 1000, 1),
        "last_end_to_delivered_ms": round(
            (finished - max(e for r in timings.values() for _, e in r)) * 1000, 1
        ),
        "idle_gap_ms": {
            "p50": round(percentile(gaps, 0.5) * 1000, 3),
            "p99": round(percentile(gaps, 0.99) * 1000, 3),
        },
        "jain_first_half": round(jain([float(first_half.get(g, 0)) for g in range(guilds)]), 4),
        "scheduler_cpu_ms_per_job": round(scheduler / jobs * 1000, 4),
        "process_cpu_ms_per_job": round(cpu / jobs * 1000, 3),
        "loop_thread_cpu_ms_per_job": round(loop_cpu / jobs * 1000, 3),
        "other_threads_cpu_ms_per_job": round((cpu - loop_cpu) / jobs * 1000, 3),
        "system_cpu_ms_per_job": round(system_cpu / jobs * 1000, 3),
        # Waits of the event loop per job: on a small VM each wake from idle costs tens of microseconds.
        "loop_sleeps_per_job": round(loop_sleeps / jobs, 2),
        # Units of work sent to aiosqlite's thread per job (claims, outcomes, delivered marks; SQLite).
        "database_trips_per_job": round(database_trips / jobs, 2),
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--step-ms", type=float, default=10.0)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--backends", type=int, nargs="+", default=[1, 2, 8])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--submit-only", action="store_true", help="only submit latency, 10,000 queued")
    parser.add_argument(
        "--prequeue-depth", type=int, default=1, help="prompts waiting on each backend beyond the running one"
    )
    parser.add_argument(
        "--quiet-below-s",
        type=float,
        default=None,
        help="the worker's QUIET_BELOW_S (default: the bot's; 0: every prompt followed frame by frame)",
    )
    args = parser.parse_args()
    step_s = args.step_ms / 1000
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as directory:
        tmp = Path(directory)
        results: dict[str, Any] = {"throughput": []}
        for backends in [] if args.submit_only else args.backends:
            results["throughput"].append(
                await throughput(
                    backends,
                    args.jobs,
                    args.guilds,
                    step_s,
                    args.steps,
                    tmp,
                    args.prequeue_depth,
                    args.quiet_below_s,
                )
            )
        results["submit_with_10000_queued"] = await submit_latency(10_000, 300, tmp)
        if not (args.skip_postgres or args.submit_only):
            results["postgres_two_workers"] = await two_workers_on_postgres(
                args.jobs, args.guilds, step_s, args.steps, tmp
            )
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
