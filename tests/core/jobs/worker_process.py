"""A queue worker in a process of its own, for the kill test.

`python -m tests.core.jobs.worker_process DATABASE_URL COMFY_URL DATA_DIR WORKER_ID`
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import aiohttp

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.queue_settings import QueueSettings
from tests.core.jobs.harness import FAST_CLIENT


async def serve(database_url: str, comfy_url: str, data_dir: Path, worker_id: str) -> None:
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=[comfy_url],
        data_dir=data_dir,
        client_id=f"client-{worker_id}",
        queue=QueueSettings(worker_id=worker_id, lease_s=2.0, retry_backoff_s=0.05, resync_s=1.0),
        client=FAST_CLIENT,
        health_interval_s=0.3,
    )
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        await runtime.start()
        print("ready", flush=True)  # the parent test waits for this line
        await asyncio.Event().wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(serve(sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]))
