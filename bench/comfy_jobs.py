"""CPU per job of the ComfyUI conversation alone: submit, follow every event, download the outputs.

    python -m bench.comfy_jobs                    # 300 image jobs on 1 fake backend (8 steps of 12.5 ms)
    python -m bench.comfy_jobs --profile          # the same under cProfile: where the CPU goes, by package
    python -m bench.comfy_jobs --check-outputs    # each image also proved whole, as the job runner does

What a worker does with a backend for each job, without the queue and the database: the built-in txt2img
graph posted with a new seed (one prompt kept waiting on the backend, as PREQUEUE_DEPTH=1 does), its events
fed to GraphProgress as the job runner does, the image fetched into a data dir. The fake ComfyUI runs in a
process of its own (bench/_fake_farm.py), so the figure is the client's. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench._loop_sleeps import count_loop_sleeps
from bench._queue_common import fake_farm
from bench.profile_worker import by_package
from comfy import events
from comfy.artifacts import ArtifactStore, OutputCheck
from comfy.client import ClientSettings, ComfyClient
from comfy.progress import GraphProgress
from core.jobs.whole_outputs import output_damage
from core.kinds import default_kinds
from core.kinds.image import ImageParams


async def one_job(
    client: ComfyClient, store: ArtifactStore, graph: dict[str, Any], index: int, check: OutputCheck | None
) -> int:
    run = await client.submit(graph, str(uuid.uuid4()))
    progress = GraphProgress(run.workflow)
    seen = 0
    async for event in run:
        progress.observe(event)
        seen += 1
        if isinstance(event, events.Completed):
            files = [f for f in event.files if f.type in ("output", "temp")]
            await store.download(client.http, files, kind="image", job_id=index, check=check)
    return seen


async def measure(args: argparse.Namespace, profiler: cProfile.Profile | None) -> dict[str, Any]:
    kinds = default_kinds()
    catalogue = await kinds.load_catalogue(None)
    template = catalogue.get("txt2img")
    graphs = [kinds.bind(template, ImageParams(prompt="bench", seed=i)).graph for i in range(args.jobs)]
    step_s = args.step_ms / 1000
    check = output_damage if args.check_outputs else None
    with tempfile.TemporaryDirectory(prefix="bench-comfy-jobs-") as directory:
        store = ArtifactStore(Path(directory))
        async with fake_farm(1, step_s, args.steps) as farm, aiohttp.ClientSession() as http:
            # The worker's settings (bot.runtime): no GET /queue for queue positions, progress paced.
            settings = ClientSettings(queue_positions=False, progress_pace_s=args.pace_ms / 1000)
            client = ComfyClient(http, farm["urls"][0], "bench-comfy-jobs", settings=settings)
            async with client:
                await client.wait_connected(10)
                await one_job(client, store, graphs[0], 0, check)  # warm: connections open, imports done
                frames = 0
                lanes = asyncio.Semaphore(1 + args.prequeue_depth)

                async def job(index: int) -> None:
                    nonlocal frames
                    async with lanes:
                        seen = await one_job(client, store, graphs[index], index, check)
                        frames += seen

                sleeps = count_loop_sleeps(asyncio.get_running_loop())
                cpu, started = time.process_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                await asyncio.gather(*(job(i) for i in range(1, args.jobs)))
                if profiler is not None:
                    profiler.disable()
                cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
                slept = sleeps()
    jobs = args.jobs - 1
    return {
        "jobs": jobs,
        "events_per_job": round(frames / jobs, 1),
        "jobs_s": round(jobs / elapsed, 2),
        "cpu_ms_per_job": round(cpu / jobs * 1000, 3),
        "loop_sleeps_per_job": round(slept / jobs, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--step-ms", type=float, default=12.5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--prequeue-depth", type=int, default=1)
    parser.add_argument(
        "--pace-ms", type=float, default=50.0, help="ClientSettings.progress_pace_s in ms (the worker's: 50)"
    )
    parser.add_argument(
        "--check-outputs", action="store_true", help="prove each image whole, as the job runner does"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", type=Path, help="write the profile here (for pstats or snakeviz)")
    args = parser.parse_args()
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    result = asyncio.run(measure(args, profiler))
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        if args.dump:
            profiler.dump_stats(args.dump)
        print(out.getvalue())
        print("own time per job by package (ms, profiled):")
        for name, ms in by_package(stats, result["jobs"]):
            print(f"  {name:16} {ms:8.3f}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
