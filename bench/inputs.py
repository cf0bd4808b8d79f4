"""Benchmark of taking a 10 MB picture in: inspect it (decode, checksum) and upload it to a ComfyUI backend.

Run: python bench/inputs.py [--runs 40] [--megabytes 10]

The picture is a noise PNG (noise does not compress, so its file really weighs the size asked for). The fake
ComfyUI runs in a process of its own (bench/_fake_farm.py), so its handling of the upload does not share this
event loop. Each run inspects the bytes with core.inputs (on a worker thread) and uploads them with
ComfyClient.upload under a fresh subfolder, as a job would. Prints p50/p99 of each part and of the whole;
asserts nothing. Issue 14 asks p99 <= 300 ms from an attachment arriving to the prompt posted: fetching it
from Discord, storing it and posting the prompt are not in this figure yet.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent
# The project root instead of bench/ itself: bench/queue.py would otherwise shadow the standard library's
# queue module, which the thread pool behind asyncio.to_thread imports.
sys.path[0] = str(PROJECT)

from comfy.client import ComfyClient
from core.inputs import InputKind, inspect_input


def noise_png(megabytes: float) -> bytes:
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


@asynccontextmanager
async def fake_backend() -> AsyncIterator[str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._fake_farm", "1", "0.0", "1",
        stdout=asyncio.subprocess.PIPE, cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )  # fmt: skip
    assert process.stdout is not None
    farm = json.loads(await process.stdout.readline())
    try:
        yield farm["urls"][0]
    finally:
        process.kill()
        await process.wait()


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms"


async def main(runs: int, megabytes: float) -> None:
    picture = noise_png(megabytes)
    inspected: list[float] = []
    uploaded: list[float] = []
    total: list[float] = []
    async with fake_backend() as url, aiohttp.ClientSession() as session:
        client = ComfyClient(session, url, "bench-inputs")
        for run in range(runs + 2):
            started = time.perf_counter()
            facts = await inspect_input(picture, "attachment.png", accepted={InputKind.IMAGE})
            checked = time.perf_counter()
            await client.upload("attachment.png", picture, subfolder=f"job-{run}")
            done = time.perf_counter()
            if run >= 2:  # the first runs warm up imports, the thread pool and the connection
                inspected.append(checked - started)
                uploaded.append(done - checked)
                total.append(done - started)
    print(f"input: {len(picture) / 1024 / 1024:.1f} MB PNG, {facts.width}x{facts.height}, {runs} runs")
    print(f"inspect (decode + sha256, worker thread): {quantiles(inspected)}")
    print(f"upload to the fake ComfyUI:               {quantiles(uploaded)}")
    print(f"inspect + upload:                         {quantiles(total)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--megabytes", type=float, default=10.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.megabytes))
