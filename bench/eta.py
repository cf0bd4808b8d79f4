"""How good is the estimated wait a member is shown: one JSON line with the relative error of every estimate.

    python bench/eta.py                  # 60 mixed jobs from 4 guilds on a fast and a slow backend
    python bench/eta.py --jobs 30

A mixed run: images at three qualities and songs, from several guilds, arriving at random moments (a fixed
seed), on two fake ComfyUI backends of different speeds. A short warm-up run first finishes a few jobs; then
the core is restarted on the same database (what it learned must survive that) and the measured run starts.
Every estimate the member is shown (at submit, then with each new place) is compared with what really
happened from that moment until the result: |estimate - actual| / actual. Printed: median and p90 (goal,
issue 12 item 4: median <= 0.25), over all estimates and over the ones given at submit.
"""

from __future__ import annotations

# Run as a script, this file's folder comes first on sys.path, where bench/queue.py would shadow the standard
# library's `queue` (which aiosqlite needs): take the folder off before anything else is imported.
import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)

import argparse
import asyncio
import json
import random
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.policy import Requester
from core.jobs.queue_settings import QueueSettings
from core.jobs.service import JobRequest
from core.jobs.snapshots import JobView
from core.jobs.updates import JobCompleted, JobFailed, JobQueued, JobUpdate
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from db.migrate import upgrade_to_head
from tests.fakes.comfyui import FakeComfyUI, FakeConfig


@dataclass
class Estimates:
    """Every estimate shown, with when it was shown, and when each job's result came."""

    given: dict[int, list[tuple[float, float, bool]]] = field(default_factory=dict)  # (at, eta_s, at_submit)
    done_at: dict[int, float] = field(default_factory=dict)
    failed: int = 0
    all_done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    def shown(self, job_id: int, eta_s: float | None, *, at_submit: bool) -> None:
        if eta_s is not None:
            now = asyncio.get_running_loop().time()
            self.given.setdefault(job_id, []).append((now, eta_s, at_submit))

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobQueued):
            self.shown(job.id, update.eta_s, at_submit=False)
        elif isinstance(update, JobCompleted | JobFailed):
            self.failed += isinstance(update, JobFailed)
            self.done_at[job.id] = asyncio.get_running_loop().time()
            if len(self.done_at) >= self.expected:
                self.all_done.set()

    def errors(self, *, at_submit_only: bool) -> list[float]:
        found: list[float] = []
        for job_id, shown in self.given.items():
            done_at = self.done_at.get(job_id)
            for at, eta_s, at_submit in shown:
                if done_at is None or (at_submit_only and not at_submit):
                    continue
                actual = done_at - at
                found.append(abs(eta_s - actual) / actual)
        return found


def a_request(rng: random.Random, index: int) -> JobRequest:
    guild = rng.randrange(4)
    requester = Requester(user_id=guild * 100 + rng.randrange(3), channel_id=guild + 1)
    params: ImageParams | SongParams
    if rng.random() < 0.25:
        params = SongParams(lyrics="[verse]\nla la la\n[chorus]\noh oh", genre="pop", tempo=120, duration=30)
    else:
        params = ImageParams(prompt=f"bench image {index}", quality=rng.choice(["draft", "standard", "high"]))
    return JobRequest(guild_id=guild, requester=requester, raw_input="bench", params=params)


async def run_jobs(config: RuntimeConfig, jobs: int, rng: random.Random, mean_gap_s: float) -> Estimates:
    estimates = Estimates(expected=jobs)
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        runtime.observer.target = estimates
        await runtime.start()
        try:
            for index in range(jobs):
                receipt = await runtime.service.submit(a_request(rng, index))
                estimates.shown(receipt.job.id, receipt.eta_s, at_submit=True)
                await asyncio.sleep(rng.expovariate(1 / mean_gap_s))
            await asyncio.wait_for(estimates.all_done.wait(), timeout=600)
        finally:
            await runtime.close()
    return estimates


def figures(values: list[float]) -> dict[str, float | int]:
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "median": round(statistics.median(ordered), 3),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--warm-up", type=int, default=8, help="jobs finished before the restart")
    parser.add_argument("--mean-gap-s", type=float, default=0.4, help="mean time between two requests")
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="bench-eta-") as tmp:
        fast = FakeComfyUI(FakeConfig(step_time_s=0.03), output_dir=Path(tmp) / "fast")
        slow = FakeComfyUI(FakeConfig(step_time_s=0.08), output_dir=Path(tmp) / "slow")
        for fake in (fast, slow):
            await fake.start()
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await upgrade_to_head(url)
        config = RuntimeConfig(
            database_url=url,
            comfyui_urls=[fast.url, slow.url],
            data_dir=Path(tmp) / "data",
            client_id="bench-eta",
            queue=QueueSettings(worker_id="bench", position_refresh_s=0.5),
        )
        try:
            await run_jobs(config, args.warm_up, rng, args.mean_gap_s)
            measured = await run_jobs(config, args.jobs, rng, args.mean_gap_s)  # a new core: a restart
        finally:
            for fake in (fast, slow):
                await fake.stop()
    result: dict[str, Any] = {
        "jobs": args.jobs,
        "failed": measured.failed,
        "relative_error_all_estimates": figures(measured.errors(at_submit_only=False)),
        "relative_error_at_submit": figures(measured.errors(at_submit_only=True)),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
