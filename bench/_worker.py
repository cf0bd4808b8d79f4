"""A queue worker process for the scale-out benchmark.

`python -m bench._worker DATABASE_URL DATA_DIR WORKER_ID COMFY_URL...`
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.queue_settings import QueueSettings


async def serve(database_url: str, data_dir: Path, worker_id: str, urls: list[str]) -> None:
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=urls,
        data_dir=data_dir,
        client_id=f"bench-{worker_id}",
        queue=QueueSettings(worker_id=worker_id),
    )
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        await runtime.start()
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4:]))
