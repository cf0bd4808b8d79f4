"""Benchmark of the ComfyUI client's websocket handling: events/s, previews/s and event-loop lag.

Run: python bench/comfy_client.py [--events 20000] [--previews 800] [--preview-kb 38] [--seconds 3]

A local aiohttp server in a separate process plays a ComfyUI backend that answers POST /prompt and then
streams progress / progress_state messages and type-4 preview frames for that prompt, ending with
``executing null``. The client consumes the run's typed events while a ticker on its loop measures how
late it wakes up. Two phases: "flood" (as fast as the server can send) gives the ceiling; "paced" sends
at the goal rate (5,000 events/s and 200 previews/s) and shows the loop lag under that load.
Prints figures, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from comfy import events
from comfy.client import ClientSettings, ComfyClient


@dataclass(frozen=True)
class Scenario:
    name: str
    events: int  # text frames: progress and progress_state alternately
    previews: int
    preview_kb: int
    events_per_s: float = 0.0  # 0: as fast as possible


def preview_frame(prompt_id: str, image: bytes) -> bytes:
    meta = {"node_id": "3", "prompt_id": prompt_id, "display_node_id": "3", "image_type": "image/jpeg"}
    encoded = json.dumps(meta).encode()
    return struct.pack(">II", 4, len(encoded)) + encoded + image


async def stream(ws: web.WebSocketResponse, prompt_id: str, scenario: Scenario) -> None:
    loop = asyncio.get_running_loop()
    frame = preview_frame(prompt_id, b"\xff\xd8\xff\xe0" + os.urandom(scenario.preview_kb * 1024))
    every = max(1, scenario.events // max(1, scenario.previews))
    batch = max(1, int(scenario.events_per_s // 200))  # pace in 5 ms slices
    await ws.send_str(json.dumps({"type": "execution_start", "data": {"prompt_id": prompt_id}}))
    await ws.send_str(json.dumps({"type": "executing", "data": {"node": "3", "prompt_id": prompt_id}}))
    node = {"value": 0, "max": scenario.events, "state": "running", "node_id": "3", "prompt_id": prompt_id}
    started = loop.time()
    for i in range(scenario.events):
        if scenario.events_per_s and i % batch == 0:
            await asyncio.sleep(max(0.0, started + i / scenario.events_per_s - loop.time()))
        node["value"] = i
        if i % 2:
            message = {"type": "progress_state", "data": {"prompt_id": prompt_id, "nodes": {"3": node}}}
        else:
            message = {
                "type": "progress",
                "data": {"value": i, "max": scenario.events, "prompt_id": prompt_id},
            }
        await ws.send_str(json.dumps(message))
        if i % every == 0:
            await ws.send_bytes(frame)
    await ws.send_str(json.dumps({"type": "executing", "data": {"node": None, "prompt_id": prompt_id}}))


def serve(port_pipe: Any) -> None:
    sockets: list[web.WebSocketResponse] = []
    history: dict[str, Any] = {}
    jobs: set[asyncio.Task[None]] = set()

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        status = {"status": {"exec_info": {"queue_remaining": 0}}, "sid": request.query.get("clientId")}
        await ws.send_str(json.dumps({"type": "status", "data": status}))
        sockets.append(ws)
        async for msg in ws:
            if msg.type is aiohttp.WSMsgType.TEXT and json.loads(msg.data).get("type") == "feature_flags":
                flags = {"supports_preview_metadata": True, "max_upload_size": 104857600}
                await ws.send_str(json.dumps({"type": "feature_flags", "data": flags}))
        return ws

    async def post_prompt(request: web.Request) -> web.Response:
        body = await request.json()
        prompt_id = body["prompt_id"]
        scenario = Scenario(**body["extra_data"]["bench"])
        history[prompt_id] = {"outputs": {}, "status": {"status_str": "success", "completed": True}}
        job = asyncio.get_running_loop().create_task(stream(sockets[-1], prompt_id, scenario))
        jobs.add(job)
        job.add_done_callback(jobs.discard)
        return web.json_response({"prompt_id": prompt_id, "number": 0, "node_errors": {}})

    async def get_history(request: web.Request) -> web.Response:
        prompt_id = request.match_info["prompt_id"]
        return web.json_response({prompt_id: history[prompt_id]} if prompt_id in history else {})

    async def get_queue(request: web.Request) -> web.Response:
        return web.json_response({"queue_running": [], "queue_pending": []})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/ws", ws_handler)
        app.router.add_post("/prompt", post_prompt)
        app.router.add_get("/history/{prompt_id}", get_history)
        app.router.add_get("/queue", get_queue)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port_pipe.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def measure_lag(samples: list[float], stop: asyncio.Event, tick_s: float = 0.005) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(tick_s)
        samples.append(loop.time() - before - tick_s)


async def run_scenario(client: ComfyClient, scenario: Scenario) -> None:
    lag: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(measure_lag(lag, stop))
    progress = previews = preview_bytes = typed = 0
    started = time.perf_counter()
    workflow = {"3": {"class_type": "KSampler", "inputs": {}}}
    prompt_id = "bench-" + scenario.name.split()[0]
    run = await client.submit(workflow, prompt_id, extra_data={"bench": vars(scenario)})
    async for event in run:
        typed += 1
        if isinstance(event, events.Progress):
            progress += 1
        elif isinstance(event, events.Preview):
            previews += 1
            preview_bytes += len(event.image)
    elapsed = time.perf_counter() - started
    stop.set()
    await ticker
    frames = scenario.events  # half are progress_state: each becomes a NodeStates event
    lag_ms = sorted(x * 1000 for x in lag) or [0.0]
    p99 = lag_ms[min(len(lag_ms) - 1, int(len(lag_ms) * 0.99))]
    print(f"[{scenario.name}] {elapsed:.3f} s")
    print(f"  websocket text frames {frames:8d}  {frames / elapsed:10.0f} /s")
    print(f"  typed events          {typed:8d}  {typed / elapsed:10.0f} /s  (progress {progress})")
    dropped = run.dropped_previews
    print(f"  previews              {previews:8d}  {previews / elapsed:10.0f} /s  ({dropped} dropped)")
    print(f"  preview bytes         {preview_bytes / 1e6:8.1f} MB {preview_bytes / 1e6 / elapsed:8.1f} MB/s")
    print(
        f"  loop lag (ms)         median {statistics.median(lag_ms):.2f}  p99 {p99:.2f}  max {lag_ms[-1]:.2f}"
    )


async def bench(port: int, args: argparse.Namespace) -> None:
    paced_events = int(5000 * args.seconds)
    scenarios = [
        Scenario("flood", args.events, args.previews, args.preview_kb),
        Scenario(
            "paced 5000 ev/s + 200 previews/s", paced_events, int(200 * args.seconds), args.preview_kb, 5000
        ),
    ]
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(session, f"http://127.0.0.1:{port}", "bench-client", settings=ClientSettings())
        await client.start()
        try:
            for scenario in scenarios:
                await run_scenario(client, scenario)
        finally:
            await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="text frames in the flood phase")
    parser.add_argument("--previews", type=int, default=800, help="previews in the flood phase")
    parser.add_argument(
        "--preview-kb", type=int, default=38, help="one preview's size (KSampler JPEG ~38 KB)"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="length of the paced phase")
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        asyncio.run(bench(parent.recv(), args))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
