"""A core that is built but not started: jobs can be submitted and stay queued, nothing runs them.

Quicker than starting a core against a dead backend (the pool waits for websockets at start).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.queue_settings import QueueSettings
from tests.core.jobs.harness import FAST_CLIENT


@asynccontextmanager
async def idle_core(database_url: str, comfy_urls: list[str], data_dir: Path) -> AsyncIterator[CoreRuntime]:
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=comfy_urls,
        data_dir=data_dir,
        client_id="idle-core",
        queue=QueueSettings(worker_id="idle-worker"),
        client=FAST_CLIENT,
    )
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        try:
            yield runtime
        finally:
            await runtime.close()
