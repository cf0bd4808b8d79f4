"""The least CPU a job can cost with aiohttp: the ComfyUI protocol alone, with no queue, no database, no bot.

    python -m bench.protocol_floor              # 400 jobs on 8 fake backends, 8 steps of 12.5 ms each
    python -m bench.protocol_floor --jobs 1000 --backends 1
    python -m bench.protocol_floor --raw        # the same on asyncio's transports, no HTTP library
    python -m bench.protocol_floor --quiet      # prompts posted quietly, as the worker posts quick ones

What bench/queue.py's worker does for a job over the network, and nothing else: `POST /prompt` (one prompt
waiting on each backend behind the running one, as the worker's prequeue), every websocket frame of the
job received (the text ones parsed as JSON), its picture fetched with `GET /view` and written to a file in a
thread. The same fake backends in their own process (bench/_fake_farm.py), so the figure is this process's
CPU per job, as `process_cpu_ms_per_job` there: what the worker's own work (claims, outcomes, progress,
checks, records) adds is the difference. `--raw` does the same work without aiohttp (bench/_raw_protocol.py,
only what the fake's answers need): what aiohttp's machinery costs a job, and so what a client of our own on
the transports could save. `--quiet` posts every prompt as comfy.quiet does (under a client id no socket
has: none of its frames arrive, each shrink of the queue reads the newest history): the floor for the
worker's quick jobs. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bench._queue_common import fake_farm
from bench._raw_protocol import RawHttp, RawSocket, json_body
from core.kinds import default_kinds
from core.kinds.image import ImageParams


class Backend:
    """One backend driven by the bare protocol: its socket's frames read as they come, prompts matched by id.
    The client's part (open the socket, post, fetch) is a subclass's."""

    def __init__(self, url: str, out: Path, *, quiet: bool = False) -> None:
        self.url, self.out = url, out
        self.client_id = str(uuid.uuid4())
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.frames = 0
        self.quiet = quiet
        self.remaining = 0

    async def run(self, graphs: list[dict[str, Any]], depth: int) -> None:
        places = asyncio.Semaphore(depth)

        async def one(graph: dict[str, Any]) -> None:
            async with places:
                await self._job(graph)

        async with self.connected():
            await asyncio.gather(*(one(graph) for graph in graphs))

    def frame(self, text: str | None) -> None:
        """A frame received: `text` None for a binary one (a preview)."""
        self.frames += 1
        if text is None:
            return
        doc = json.loads(text)
        if doc["type"] == "status":
            remaining = doc["data"]["status"]["exec_info"]["queue_remaining"]
            if self.quiet and remaining < self.remaining and self.waiting:
                # As comfy.quiet: as many entries as prompts ended, and 2 more.
                asyncio.get_running_loop().create_task(self._read_history(self.remaining - remaining + 2))
            self.remaining = remaining
        elif doc["type"] == "executed":
            waiting = self.waiting.get(doc["data"]["prompt_id"])
            if waiting is not None and not waiting.done():
                waiting.set_result(doc["data"]["output"])

    async def _read_history(self, max_items: int) -> None:
        for prompt_id, entry in json.loads(await self.recent_history(max_items)).items():
            waiting = self.waiting.get(prompt_id)
            if waiting is not None and not waiting.done():
                waiting.set_result(next(out for out in entry["outputs"].values() if "images" in out))

    async def _job(self, graph: dict[str, Any]) -> None:
        prompt_id = str(uuid.uuid4())
        output = self.waiting[prompt_id] = asyncio.get_running_loop().create_future()
        client_id = f"{self.client_id}.quiet" if self.quiet else self.client_id
        await self.post_prompt({"prompt": graph, "prompt_id": prompt_id, "client_id": client_id})
        image = (await output)["images"][0]
        del self.waiting[prompt_id]
        data = await self.view(image)
        await asyncio.to_thread((self.out / f"{prompt_id}.png").write_bytes, data)

    def connected(self) -> AbstractAsyncContextManager[None]:
        raise NotImplementedError

    async def post_prompt(self, body: dict[str, Any]) -> None:
        raise NotImplementedError

    async def view(self, image: dict[str, str]) -> bytes:
        raise NotImplementedError

    async def recent_history(self, max_items: int) -> bytes:
        raise NotImplementedError


class AiohttpBackend(Backend):
    def __init__(self, http: aiohttp.ClientSession, url: str, out: Path, *, quiet: bool = False) -> None:
        super().__init__(url, out, quiet=quiet)
        self.http = http

    @asynccontextmanager
    async def connected(self) -> AsyncIterator[None]:
        async with self.http.ws_connect(f"{self.url}/ws", params={"clientId": self.client_id}) as ws:
            reader = asyncio.create_task(self._read(ws))
            try:
                yield
            finally:
                reader.cancel()

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            self.frame(message.data if message.type is aiohttp.WSMsgType.TEXT else None)

    async def post_prompt(self, body: dict[str, Any]) -> None:
        async with self.http.post(f"{self.url}/prompt", json=body) as response:
            response.raise_for_status()

    async def view(self, image: dict[str, str]) -> bytes:
        async with self.http.get(f"{self.url}/view", params=image) as response:
            return await response.read()

    async def recent_history(self, max_items: int) -> bytes:
        async with self.http.get(f"{self.url}/history", params={"max_items": str(max_items)}) as response:
            return await response.read()


class RawBackend(Backend):
    """On bench/_raw_protocol.py's transports."""

    def __init__(self, url: str, out: Path, *, quiet: bool = False) -> None:
        super().__init__(url, out, quiet=quiet)
        self.http = RawHttp(url)

    @asynccontextmanager
    async def connected(self) -> AsyncIterator[None]:
        path = f"/ws?clientId={self.client_id}"
        socket = await RawSocket.open(self.url, path, self.frame, lambda _: self.frame(None))
        try:
            yield
        finally:
            socket.close()
            self.http.close()

    async def post_prompt(self, body: dict[str, Any]) -> None:
        await self.http.request("POST", "/prompt", json_body(body))

    async def view(self, image: dict[str, str]) -> bytes:
        return await self.http.request("GET", "/view", query=image)

    async def recent_history(self, max_items: int) -> bytes:
        return await self.http.request("GET", "/history", query={"max_items": max_items})


async def measure(
    jobs: int, backends: int, step_s: float, steps: int, *, raw: bool, quiet: bool = False
) -> dict[str, Any]:
    kinds = default_kinds()
    template = (await kinds.load_catalogue(None)).get("txt2img")
    # Every prompt its own seed, as the bot's: the same graph twice would be a cached run.
    graphs = [kinds.bind(template, ImageParams(prompt="bench", seed=seed)).graph for seed in range(jobs)]
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as directory:
        async with fake_farm(backends, step_s, steps) as farm, aiohttp.ClientSession() as http:
            out = Path(directory)
            drivers = [
                RawBackend(url, out, quiet=quiet) if raw else AiohttpBackend(http, url, out, quiet=quiet)
                for url in farm["urls"]
            ]
            cpu, started = time.process_time(), time.perf_counter()
            await asyncio.gather(*(d.run(graphs[i::backends], depth=2) for i, d in enumerate(drivers)))
            cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
    return {
        "client": "raw" if raw else "aiohttp",
        "quiet": quiet,
        "backends": backends,
        "jobs": jobs,
        "frames_per_job": round(sum(d.frames for d in drivers) / jobs, 1),
        "process_cpu_ms_per_job": round(cpu / jobs * 1000, 3),
        "elapsed_s": round(elapsed, 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--backends", type=int, default=8)
    parser.add_argument("--step-ms", type=float, default=12.5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--raw", action="store_true", help="asyncio's transports, no HTTP library")
    parser.add_argument("--quiet", action="store_true", help="prompts posted quietly (comfy.quiet)")
    args = parser.parse_args()
    step_s = args.step_ms / 1000
    figures = await measure(args.jobs, args.backends, step_s, args.steps, raw=args.raw, quiet=args.quiet)
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
