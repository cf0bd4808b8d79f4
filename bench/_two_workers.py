"""bench/queue.py's PostgreSQL figure: the same throughput measurement with 2 worker processes sharing one
PostgreSQL database (bench/scale.py goes further: 1, 2 and 4 workers)."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench._databases import as_setting, create_database, drop_database
from bench._queue_common import (
    POSTGRES,
    fake_farm,
    farm_timings,
    gaps_and_job_time,
    percentile,
    request,
    start_worker,
)
from bench._worker import ask_cpu
from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.queue_settings import QueueSettings
from db.enums import JobStatus
from db.models import Job


async def two_workers_on_postgres(
    jobs: int, guilds: int, step_s: float, steps: int, tmp: Path
) -> dict[str, Any]:
    """The same throughput measurement with 2 worker processes sharing one Postgres database."""
    database = await create_database(POSTGRES, "bench_queue")
    url = as_setting(database)
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with fake_farm(2, step_s, steps) as farm, aiohttp.ClientSession() as http:
            for worker_id in ("w1", "w2"):
                process = await start_worker(url, tmp / worker_id, worker_id, farm["urls"])
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
        await drop_database(POSTGRES, str(database.database))
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
