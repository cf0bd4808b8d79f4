"""Benchmark of the ComfyUI client's websocket handling: events/s, previews/s and event-loop lag.

Run: python bench/comfy_client.py [--events 20000] [--previews 800] [--preview-kb 38]

A local aiohttp server in a separate process plays a ComfyUI backend that answers POST /prompt and then
floods the websocket with progress / progress_state messages and type-4 preview frames for that prompt,
ending with ``executing null``. The client consumes the run's typed events; a ticker on the client's loop
measures how late it wakes up. Goal on one core: 5,000 events/s and 200 previews/s. Prints, never asserts.
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
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from comfy import events
from comfy.client import ClientSettings, ComfyClient


def preview_frame(prompt_id: str, image: bytes) -> bytes:
    meta = json.dumps(
        {
            "node_id": "3",
            "prompt_id": prompt_id,
            "display_node_id": "3",
            "real_node_id": "3",
            "image_type": "image/jpeg",
        }
    ).encode()
    return struct.pack(">II", 4, len(meta)) + meta + image


async def flood(ws: web.WebSocketResponse, prompt_id: str, n_events: int, n_previews: int, kb: int) -> None:
    image = b"\xff\xd8\xff\xe0" + os.urandom(kb * 1024)
    frame = preview_frame(prompt_id, image)
    every = max(1, n_events // max(1, n_previews))
    await ws.send_str(json.dumps({"type": "execution_start", "data": {"prompt_id": prompt_id}}))
    await ws.send_str(json.dumps({"type": "executing", "data": {"node": "3", "prompt_id": prompt_id}}))
    state = {"3": {"value": 0, "max": n_events, "state": "running", "node_id": "3", "prompt_id": prompt_id}}
    for i in range(n_events):
        state["3"]["value"] = i
        if i % 2:
            await ws.send_str(
                json.dumps({"type": "progress_state", "data": {"prompt_id": prompt_id, "nodes": state}})
            )
        else:
            progress = {"value": i, "max": n_events, "prompt_id": prompt_id, "node": "3"}
            await ws.send_str(json.dumps({"type": "progress", "data": progress}))
        if i % every == 0:
            await ws.send_bytes(frame)
    await ws.send_str(json.dumps({"type": "executing", "data": {"node": None, "prompt_id": prompt_id}}))


def serve(port_pipe: Any, n_events: int, n_previews: int, kb: int) -> None:
    sockets: list[web.WebSocketResponse] = []
    history: dict[str, Any] = {}

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}})
        )
        sockets.append(ws)
        async for msg in ws:
            if msg.type is aiohttp.WSMsgType.TEXT and json.loads(msg.data).get("type") == "feature_flags":
                await ws.send_str(
                    json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}})
                )
        return ws

    async def post_prompt(request: web.Request) -> web.Response:
        body = await request.json()
        prompt_id = body["prompt_id"]
        history[prompt_id] = {
            "outputs": {},
            "status": {"status_str": "success", "completed": True, "messages": []},
        }

        async def later() -> None:
            await flood(sockets[-1], prompt_id, n_events, n_previews, kb)

        request.app["jobs"].append(asyncio.get_running_loop().create_task(later()))
        return web.json_response({"prompt_id": prompt_id, "number": 0, "node_errors": {}})

    async def get_history(request: web.Request) -> web.Response:
        prompt_id = request.match_info["prompt_id"]
        return web.json_response({prompt_id: history[prompt_id]} if prompt_id in history else {})

    async def get_queue(request: web.Request) -> web.Response:
        return web.json_response({"queue_running": [], "queue_pending": []})

    async def main() -> None:
        app = web.Application()
        app["jobs"] = []
        app.router.add_get("/ws", ws_handler)
        app.router.add_post("/prompt", post_prompt)
        app.router.add_get("/history/{prompt_id}", get_history)
        app.router.add_get("/queue", get_queue)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_pipe.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


async def measure_lag(samples: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(0.005)
        samples.append(loop.time() - before - 0.005)


async def bench(port: int) -> None:
    settings = ClientSettings(silence_timeout_s=60.0)
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(session, f"http://127.0.0.1:{port}", "bench-client", settings=settings)
        await client.start()
        workflow = {"3": {"class_type": "KSampler", "inputs": {}}}
        lag: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(measure_lag(lag, stop))
        counts = {"events": 0, "progress": 0, "previews": 0, "preview_bytes": 0}
        started = time.perf_counter()
        run = await client.submit(workflow, "bench-prompt-1")
        async for event in run:
            counts["events"] += 1
            if isinstance(event, events.Progress):
                counts["progress"] += 1
            elif isinstance(event, events.Preview):
                counts["previews"] += 1
                counts["preview_bytes"] += len(event.image)
        elapsed = time.perf_counter() - started
        stop.set()
        await ticker
        await client.close()
    frames = counts["progress"] * 2  # one progress_state for every progress message is parsed and dropped
    print(f"elapsed                {elapsed:8.3f} s")
    print(f"typed events           {counts['events']:8d}  ({counts['events'] / elapsed:10.0f} /s)")
    print(f"websocket text frames  {frames:8d}  ({frames / elapsed:10.0f} /s)")
    print(f"previews               {counts['previews']:8d}  ({counts['previews'] / elapsed:10.0f} /s)")
    print(f"previews dropped       {run.dropped_previews:8d}  (consumer lagging behind)")
    megabytes = counts["preview_bytes"] / 1e6
    print(f"preview bytes          {megabytes:8.1f} MB ({megabytes / elapsed:8.1f} MB/s)")
    if lag:
        lag_ms = sorted(x * 1000 for x in lag)
        p99 = lag_ms[min(len(lag_ms) - 1, int(len(lag_ms) * 0.99))]
        median = statistics.median(lag_ms)
        print(f"loop lag (ms)          median {median:.2f}  p99 {p99:.2f}  max {lag_ms[-1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="progress + progress_state messages")
    parser.add_argument("--previews", type=int, default=800)
    parser.add_argument(
        "--preview-kb", type=int, default=38, help="size of one preview (KSampler JPEG ~38 KB)"
    )
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child, args.events, args.previews, args.preview_kb))
    server.start()
    try:
        asyncio.run(bench(parent.recv()))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
