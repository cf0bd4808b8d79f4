"""A queue worker process for the scale-out benchmarks.

`python -m bench._worker DATABASE_URL DATA_DIR WORKER_ID COMFY_URL...`

Prints "ready" once its queue runs; then each line read on stdin ("cpu") is answered with one JSON line:
{"cpu_s": this process's CPU time since it was ready, "delivered": the ids of the jobs it delivered since}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.queue_settings import QueueSettings
from db.enums import DeliveryState
from db.snapshots import JobView


async def ask_cpu(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"cpu\n")
    await process.stdin.drain()
    figures: dict[str, Any] = json.loads(await process.stdout.readline())
    return figures


async def serve(database_url: str, data_dir: Path, worker_id: str, urls: list[str]) -> None:
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=urls,
        data_dir=data_dir,
        client_id=f"bench-{worker_id}",
        queue=QueueSettings(worker_id=worker_id),
        freeze_boot_heap=True,  # as in a bot process (bot.cli.runtime_config)
    )
    delivered: list[int] = []

    def settled(job: JobView, state: DeliveryState) -> None:
        if state is DeliveryState.DELIVERED:
            delivered.append(job.id)

    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        runtime.dispatcher.delivery.events.subscribe(settled)
        await runtime.start()
        cpu_at_ready = time.process_time()
        delivered.clear()
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while await reader.readline():
            figures = {"cpu_s": time.process_time() - cpu_at_ready, "delivered": delivered}
            print(json.dumps(figures), flush=True)
        await runtime.close()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4:]))
