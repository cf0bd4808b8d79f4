"""The health watch hears of a backend that answered while the capabilities were first read (one slow to
answer at start), before the watch began listening to the pool."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from core.jobs.backend_watch import BackendWatcher
from core.jobs.capabilities import Capabilities
from tests.core.jobs.test_scheduler import World
from tests.core.kinds.workflows import load_catalogue
from tests.fakes.comfyui.server import FakeComfyUI


async def test_a_backend_that_answers_between_the_first_read_and_the_watch_is_read(
    fake_comfy: FakeComfyUI,
) -> None:
    async with aiohttp.ClientSession() as http:
        client = ComfyClient(http, fake_comfy.url, "watch-test", name="backend-a")
        pool = ComfyPool([client])
        capabilities = Capabilities(pool, await load_catalogue())
        watcher = BackendWatcher(
            pool=pool,
            capabilities=capabilities,
            scheduler=World().scheduler(),
            wake=lambda: None,
        )
        await capabilities.refresh()
        assert not capabilities.known, "it had not answered yet"

        await client.object_info()  # it answers now, before the watch listens to the pool
        pool.mark(client.name, True, "ok")
        read_again = asyncio.Event()
        first_read = capabilities.refresh

        async def refresh(**kwargs: Any) -> None:
            await first_read(**kwargs)
            read_again.set()

        capabilities.refresh = refresh  # type: ignore[method-assign]
        watch = asyncio.create_task(watcher.watch_health())
        try:
            await asyncio.wait_for(read_again.wait(), 10)
            assert "backend-a" in capabilities.able_any_models("txt2img")
        finally:
            watch.cancel()
