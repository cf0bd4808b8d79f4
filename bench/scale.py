"""The queue scaled out: 1, 2 and 4 worker processes sharing one PostgreSQL, printed as one JSON line.

    python bench/scale.py                      # 1600 jobs from 100 guilds, 16 fake backends of 100 ms jobs
    python bench/scale.py --workers 1 2 --jobs 800

The fake ComfyUI backends run in a process of their own (bench/_fake_farm.py), split among the workers (a
backend is driven by one worker, as a deployment would give each worker its own GPUs); every worker hears of
every queued job and takes them in the same fair order. The jobs are queued first, then the workers start.
Per configuration: jobs/s from the first prompt's start to the last job delivered, the ratio of the ideal
(backends / job time), each worker's CPU per job it delivered, Jain's fairness over the 100 guilds among the
first half of the jobs to finish (all workers together), and the claims against the runs the backends saw
(a job run twice would show as a duplicate). The machine's cores are printed beside it: on 2 cores, more
worker processes than cores share them. A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)  # this folder's queue.py would shadow the standard library's (see bench/queue.py)

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench._databases import as_setting, create_database, drop_database
from bench._queue_common import (
    POSTGRES,
    fake_farm,
    farm_timings,
    gaps_and_job_time,
    jain,
    percentile,
    start_worker,
)
from bench._worker import ask_cpu
from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.policy import Requester
from core.jobs.queue_settings import QueueSettings
from core.jobs.service import JobRequest
from core.kinds.image import ImageParams
from db.enums import DeliveryState
from db.models import Job, JobEvent


def tagged_request(guild_id: int, index: int) -> JobRequest:
    return JobRequest(
        guild_id=guild_id,
        requester=Requester(user_id=guild_id * 1000 + index % 5, channel_id=guild_id + 1),
        raw_input="bench",
        params=ImageParams(prompt=f"bench job#{guild_id}-{index} for guild {guild_id}"),
    )


async def run(
    workers: int, jobs: int, guilds: int, backends: int, step_s: float, steps: int, tmp: Path
) -> dict[str, Any]:
    database = await create_database(POSTGRES, "bench_scale")
    url = as_setting(database)
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with fake_farm(backends, step_s, steps) as farm, aiohttp.ClientSession() as http:
            config = RuntimeConfig(
                database_url=url,
                comfyui_urls=farm["urls"],
                data_dir=tmp / f"submitter-{workers}",
                client_id="bench-submitter",
                queue=QueueSettings(worker_id="submitter", global_max_running=0),
            )
            submitter = await CoreRuntime.build(config, http=http)
            try:
                for index in range(jobs // guilds):
                    for guild in range(guilds):
                        await submitter.service.submit(tagged_request(guild, index))
                for number in range(workers):
                    share = farm["urls"][number::workers]
                    data_dir = tmp / f"w{workers}-{number}"
                    processes.append(await start_worker(url, data_dir, f"w{number}", share))
                for process in processes:
                    assert process.stdout is not None
                    await process.stdout.readline()  # "ready"
                while True:  # a benchmark may poll: it waits for the figure, it proves nothing by waiting
                    async with submitter.sessions() as session:
                        done = await session.scalar(
                            select(func.count()).where(Job.delivery_state == DeliveryState.DELIVERED)
                        )
                    if done >= jobs:
                        break
                    await asyncio.sleep(0.02)
                finished = time.perf_counter()
                cpu = [await ask_cpu(process) for process in processes]
                timings = await farm_timings(http, farm["control"])
                async with http.get(f"{farm['control']}/runs") as response:
                    runs: dict[str, int] = await response.json()
                async with submitter.sessions() as session:
                    order = list(
                        await session.scalars(select(Job.guild_id).order_by(Job.finished_at, Job.id))
                    )
                    claims = await session.scalar(
                        select(func.count()).select_from(JobEvent).where(JobEvent.kind == "claimed")
                    )
            finally:
                await submitter.close()
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
            await process.wait()
        await drop_database(POSTGRES, str(database.database))
    first_start = min(start for per in timings.values() for start, _end in per)
    elapsed = finished - first_start
    gaps, durations = gaps_and_job_time(timings)
    job_time = statistics.fmean(durations)
    first_half = Counter(order[: jobs // 2])
    return {
        "workers": workers,
        "backends": backends,
        "jobs": jobs,
        "job_time_ms": round(job_time * 1000, 2),
        "throughput_jobs_s": round(jobs / elapsed, 2),
        "ratio_of_ideal": round((jobs / elapsed) / (backends / job_time), 4),
        "idle_gap_ms": {
            "p50": round(percentile(gaps, 0.5) * 1000, 3),
            "p99": round(percentile(gaps, 0.99) * 1000, 3),
        },
        "cpu_ms_per_job_per_worker": [
            round(c["cpu_s"] / len(c["delivered"]) * 1000, 3) if c["delivered"] else None for c in cpu
        ],
        "jobs_per_worker": [len(c["delivered"]) for c in cpu],
        "jobs_delivered_twice": sum(
            1 for n in Counter(i for c in cpu for i in c["delivered"]).values() if n > 1
        ),
        "jain_first_half": round(jain([float(first_half.get(g, 0)) for g in range(guilds)]), 4),
        "claims": claims,
        "backend_runs": sum(runs.values()),
        "jobs_run_twice": sum(1 for count in runs.values() if count > 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--jobs", type=int, default=1600)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--backends", type=int, default=16)
    parser.add_argument("--step-ms", type=float, default=12.5)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    results: dict[str, Any] = {"cores": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as directory:
        for workers in args.workers:
            results["runs"].append(
                await run(
                    workers,
                    args.jobs,
                    args.guilds,
                    args.backends,
                    args.step_ms / 1000,
                    args.steps,
                    Path(directory),
                )
            )
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
