"""Fake ComfyUI backends in a process of their own, so they do not steal the bot's event loop.

`python -m bench._fake_farm N STEP_TIME_S STEPS` prints one JSON line {"urls": [...], "control": url} and
serves until killed. GET control/timings returns, per backend, the (start, end) of every prompt it ran,
measured with time.perf_counter inside the fake's executor: the source of the idle-gap figures. GET
control/runs counts the runs of every tagged job.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fakes.comfyui.executor import Executor

TIMINGS: dict[int, list[tuple[float, float]]] = {}
# How many times each job ran, by the tag in its prompt text ("job#<tag>"; bench/scale.py puts one in each):
# a job run twice (two workers claimed it) shows as a tag counted twice.
RUNS: Counter[str] = Counter()
_original_execute = Executor._execute


def _tags(prompt: dict[str, Any]) -> set[str]:
    found = set()
    for node in prompt.values():
        for value in node.get("inputs", {}).values():
            if isinstance(value, str) and "job#" in value:
                found.add(value.split("job#", 1)[1].split()[0])
    return found


async def _timed_execute(self: Executor, item: Any) -> None:
    RUNS.update(_tags(item.prompt))
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
        RUNS.clear()
        return web.json_response({})

    async def runs(_request: web.Request) -> web.Response:
        return web.json_response(dict(RUNS))

    app = web.Application()
    app.router.add_get("/timings", timings)
    app.router.add_post("/reset", reset)
    app.router.add_get("/runs", runs)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"urls": [f.url for f in fakes], "control": f"http://127.0.0.1:{port}"}), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])))
