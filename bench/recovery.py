"""Recovery after a ComfyUI restart, measured as a self-hoster sees it; prints one JSON line.

    python bench/recovery.py               # 3 restarts, ComfyUI away for 8 s each (a real restart: ~7-8 s)
    python bench/recovery.py --down-s 3 --runs 1

The whole core runs with its production settings (reconnect policy, 15 s health check, retry back-off) on a
SQLite file, against the project's fake ComfyUI on a real socket. Mid-job the fake is killed (no close frame,
like SIGKILL), stays away `--down-s` seconds, and starts again on the same port with an empty queue and
history. Times, in seconds:

- down_after_kill: until the pool marks the backend down;
- told_after_kill: until the member's message is told (the core's first JobSetback for the job);
- resubmitted_after_answering: from the server answering again until it receives the job's prompt again;
- done_after_answering: from the server answering again until the job's result is in.

Goals (issue 12 item 2): down at once, resubmitted within 2 s of answering. A benchmark prints; it asserts
nothing.
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
import statistics
import tempfile
import uuid
from collections.abc import Callable
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
from core.jobs.updates import JobCompleted, JobFailed, JobProgress, JobSetback, JobUpdate
from core.kinds.image import ImageParams
from db.migrate import upgrade_to_head
from tests.fakes.comfyui import FakeComfyUI, FakeConfig


class Timeline:
    """The loop time of the first update of each kind the job got, and a wake-up per update."""

    def __init__(self) -> None:
        self.first: dict[type, float] = {}
        self.setbacks: list[str] = []
        self.changed = asyncio.Event()

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        self.first.setdefault(type(update), asyncio.get_running_loop().time())
        if isinstance(update, JobSetback):
            self.setbacks.append(update.setback.value)
        self.changed.set()

    async def until(self, predicate: Callable[[], bool], timeout_s: float) -> None:
        async with asyncio.timeout(timeout_s):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()


async def resubmitted(fake: FakeComfyUI, within_s: float) -> float | None:
    """When the restarted server got the job's prompt again (None: not within `within_s`)."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + within_s
    while len(fake.prompts_received) < 2:
        if loop.time() > give_up_at:
            return None
        await asyncio.sleep(0.005)
    return loop.time()


async def restart_once(tmp: Path, down_s: float) -> dict[str, Any]:
    fake = FakeComfyUI(FakeConfig(step_time_s=0.1, default_steps=30), output_dir=tmp / "out")
    await fake.start()
    url = f"sqlite+aiosqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    await upgrade_to_head(url)
    config = RuntimeConfig(
        database_url=url,
        comfyui_urls=[fake.url],
        data_dir=tmp / "data",
        client_id="bench-recovery",
        queue=QueueSettings(worker_id="bench"),
    )
    timeline = Timeline()
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        runtime.observer.target = timeline
        await runtime.start()
        try:
            params = ImageParams(prompt="a lighthouse in a storm")
            await runtime.service.submit(JobRequest(1, Requester(10, 100), "bench", params))
            await timeline.until(lambda: JobProgress in timeline.first, 30)
            backend = runtime.pool.clients[0].name
            killed_at = loop.time()
            await fake.kill()
            while runtime.pool.health[backend].healthy:
                await asyncio.wait_for(runtime.pool.health_changed(), 60)
            down_at = loop.time()
            await asyncio.sleep(down_s)  # ComfyUI restarting
            await fake.restart()
            answering_at = loop.time()
            resubmitted_at = await resubmitted(fake, within_s=120)
            await timeline.until(lambda: JobCompleted in timeline.first or JobFailed in timeline.first, 120)
        finally:
            await runtime.close()
            await fake.stop()
    told_at = timeline.first.get(JobSetback)
    return {
        "down_after_kill": down_at - killed_at,
        "told_after_kill": None if told_at is None else told_at - killed_at,
        "resubmitted_after_answering": None if resubmitted_at is None else resubmitted_at - answering_at,
        "done_after_answering": min(timeline.first.get(t, 1e9) for t in (JobCompleted, JobFailed))
        - answering_at,
        "setbacks": timeline.setbacks,
    }


def summary(runs: list[dict[str, Any]], key: str) -> dict[str, float] | None:
    values = [run[key] for run in runs if run[key] is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--down-s", type=float, default=8.0, help="how long ComfyUI stays away")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp:
            runs.append(await restart_once(Path(tmp), args.down_s))
    keys = ("down_after_kill", "told_after_kill", "resubmitted_after_answering", "done_after_answering")
    figures: dict[str, Any] = {"runs": args.runs, "down_s": args.down_s}
    figures |= {f"{key}_s": summary(runs, key) for key in keys}
    figures["setbacks_told"] = [run["setbacks"] for run in runs]
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
