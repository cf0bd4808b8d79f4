"""Fake ComfyUI backends in a process of their own, so they do not steal the bot's event loop.

`python -m bench._fake_farm N STEP_TIME_S STEPS` prints one JSON line {"urls": [...], "control": url} and
serves until killed. GET control/timings returns, per backend, the (start, end) of every prompt it ran,
measured with time.perf_counter inside the fake's executor: the source of the idle-gap figures.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fakes.comfyui.executor import Executor

TIMINGS: dict[int, list[tuple[float, float]]] = {}
_original_execute = Executor._execute


async def _timed_execute(self: Executor, item: Any) -> None:
    started = time.perf_counter()
    try:
        await _original_execute(self, item)
    finally:
        TIMINGS.setdefault(id(self), []).append((started, time.perf_counter()))


Executor._execute = _timed_execute  # type: ignore[method-assign]


async def serve(count: int, step_time_s: float, steps: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-farm-"))
    fakes = []
    for index in range(count):
        output = workdir / f"out{index}"
        output.mkdir()
        config = FakeConfig(step_time_s=step_time_s, default_steps=steps, node_time_s=0.0)
        fake = FakeComfyUI(config, output_dir=output)
        await fake.start()
        fakes.append(fake)

    async def timings(_request: web.Request) -> web.Response:
        per_backend = {fake.url: TIMINGS.get(id(fake.executor), []) for fake in fakes}
        return web.json_response(per_backend)

    async def reset(_request: web.Request) -> web.Response:
        TIMINGS.clear()
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/timings", timings)
    app.router.add_post("/reset", reset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"urls": [f.url for f in fakes], "control": f"http://127.0.0.1:{port}"}), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])))
