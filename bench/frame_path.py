"""CPU of the websocket frame path alone: parse, route, hand to the run, consume, as a worker does per job.

    python -m bench.frame_path                 # 8 steps of 12.5 ms, as bench.comfy_jobs and bench/queue.py
    python -m bench.frame_path --steps 30      # a longer sampler: more progress_state frames per job
    python -m bench.frame_path --frames F      # the job recorded in F (recorded there first if missing):
                                               # compare two trees on the very same frames

The frames of one image job are recorded from the fake ComfyUI (what a client's socket receives, with
their arrival times), then replayed in this process, with no socket: each frame goes through
``parse_text_frame`` / the router into a paced ``PromptRun`` on the recorded clock, whose consumer (a task
feeding ``GraphProgress``, as the job runner does) runs whenever the run wakes it. Its figure moves only
with the code of that path, unlike bench.comfy_jobs' on a busy machine. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bench._queue_common import fake_farm
from comfy import events, protocol
from comfy.progress import GraphProgress
from comfy.router import EventRouter
from comfy.run import PromptRun
from core.kinds import default_kinds
from core.kinds.image import ImageParams

Frame = tuple[float, str | bytes]  # (arrival s since the POST, text or binary frame)


async def record(step_s: float, steps: int) -> tuple[dict[str, Any], str, list[Frame]]:
    """A job's frames as the submitting client's socket gets them, up to its ``executing`` null: the
    second job of a fresh backend, which like a worker's finds the models and the prompt cached."""
    kinds = default_kinds()
    template = (await kinds.load_catalogue(None)).get("txt2img")
    client_id = str(uuid.uuid4())
    async with fake_farm(1, step_s, steps) as farm, aiohttp.ClientSession() as http:
        url = farm["urls"][0]
        async with http.ws_connect(f"{url}/ws", params={"clientId": client_id}) as ws:
            await ws.send_json({"type": "feature_flags", "data": {"supports_preview_metadata": True}})
            for seed in (1, 2):
                graph = kinds.bind(template, ImageParams(prompt="bench", seed=seed)).graph
                prompt_id = str(uuid.uuid4())
                body = {"prompt": graph, "prompt_id": prompt_id, "client_id": client_id}
                started = time.monotonic()
                async with http.post(f"{url}/prompt", json=body) as response:
                    response.raise_for_status()
                frames = [frame async for frame in until_done(ws, prompt_id, started)]
    return graph, prompt_id, frames


async def until_done(
    ws: aiohttp.ClientWebSocketResponse, prompt_id: str, started: float
) -> AsyncIterator[Frame]:
    async for message in ws:
        yield time.monotonic() - started, message.data
        doc = json.loads(message.data) if message.type is aiohttp.WSMsgType.TEXT else {}
        data = doc.get("data") or {}
        if doc.get("type") == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
            return


def save(path: Path, graph: dict[str, Any], prompt_id: str, frames: list[Frame]) -> None:
    recorded = [[at, frame] if isinstance(frame, str) else [at, None, frame.hex()] for at, frame in frames]
    path.write_text(json.dumps({"graph": graph, "prompt_id": prompt_id, "frames": recorded}))


def load(path: Path) -> tuple[dict[str, Any], str, list[Frame]]:
    doc = json.loads(path.read_text())
    frames: list[Frame] = [(f[0], f[1] if f[1] is not None else bytes.fromhex(f[2])) for f in doc["frames"]]
    return doc["graph"], doc["prompt_id"], frames


async def replay(graph: dict[str, Any], prompt_id: str, frames: list[Frame], pace_s: float) -> int:
    """Feed one job's frames through the path, the run's clock at each frame's arrival; the events its
    consumer took. The consumer is a task, woken as the run decides (with the recorded clock, a pace's
    spell ends at the first frame after it, not at a timer)."""
    now = [0.0]
    run = PromptRun(prompt_id, graph, loop_time=lambda: now[0], pace_s=pace_s)
    router = EventRouter({prompt_id: run}, on_complete=lambda _: None, on_status=lambda _: None)
    consumer = asyncio.create_task(consume(run, GraphProgress(graph)))
    woken = 0
    for at, frame in frames:
        now[0] = at
        if isinstance(frame, str):
            message = protocol.parse_text_frame(frame)
            if message is not None:
                router.on_text(message)
        else:
            router.on_binary(frame)
        if run.wakeups != woken:  # the consumer runs when the run wakes it, as between socket reads
            woken = run.wakeups
            await asyncio.sleep(0)
    run.finish(events.Completed(prompt_id, {}, ()))
    return await consumer


async def consume(run: PromptRun, progress: GraphProgress) -> int:
    taken = 0
    async for event in run:
        progress.observe(event)
        taken += 1
    return taken


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    if args.frames is not None and args.frames.exists():
        graph, prompt_id, frames = load(args.frames)
    else:
        graph, prompt_id, frames = await record(args.step_ms / 1000, args.steps)
        if args.frames is not None:
            save(args.frames, graph, prompt_id, frames)
    pace_s = args.pace_ms / 1000
    texts = [frame for _, frame in frames if isinstance(frame, str)]
    taken = await replay(graph, prompt_id, frames, pace_s)  # warm
    best = float("inf")
    for _ in range(args.repeats):
        cpu = time.process_time()
        for _ in range(args.jobs):
            await replay(graph, prompt_id, frames, pace_s)
        best = min(best, time.process_time() - cpu)
    return {
        "text_frames_per_job": len(texts),
        "progress_state_per_job": sum('"progress_state"' in text[:30] for text in texts),
        "binary_frames_per_job": len(frames) - len(texts),
        "events_taken_per_job": taken,
        "us_per_job": round(best / args.jobs * 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000, help="replays per repeat")
    parser.add_argument("--repeats", type=int, default=7, help="the fastest repeat is printed")
    parser.add_argument("--step-ms", type=float, default=12.5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument(
        "--frames", type=Path, help="replay the job recorded in this file (recorded there if it is missing)"
    )
    parser.add_argument(
        "--pace-ms", type=float, default=50.0, help="ClientSettings.progress_pace_s (worker: 50)"
    )
    print(json.dumps(asyncio.run(measure(parser.parse_args()))))


if __name__ == "__main__":
    main()
