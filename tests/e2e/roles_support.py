"""A worker process's part, in the test's own process: its own CoreRuntime and a ComfyBot that only logs in.

Beside a `running_world(..., role="gateway")`, whose bot holds the gateway and submits jobs, the worker runs
the queue on the same database and edits the jobs' messages over REST, as `python -m bot worker` does.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp

from bot.client import ComfyBot
from bot.runtime import CoreRuntime
from bot.settings import Settings
from tests.discord_emulator.patching import patch_discord
from tests.e2e.bot_start import runtime_config
from tests.e2e.harness import World


@contextlib.asynccontextmanager
async def worker_running(world: World, worker_id: str) -> AsyncIterator[ComfyBot]:
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(aiohttp.ClientSession())
        # The gateway's configuration (its data dir too: the inputs it received are read from there, and
        # its content-safety classifier checks results here), under the worker's own ids.
        config = replace(
            runtime_config(world),
            client_id=f"client-{worker_id}",
            queue=replace(world.queue, worker_id=worker_id),
        )
        runtime = await CoreRuntime.build(config, http=http)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=world.emu.token,
            database_url=world.database_url,
            comfyui_urls=world.fake.url,
            data_dir=world.data_dir,
        )
        bot = ComfyBot(settings=settings, runtime=runtime, reporting=world.reporting, role="worker")
        with patch_discord(world.emu):
            try:
                await bot.login(world.emu.token)  # runs setup_hook: the runtime starts, with the queue
                yield bot
            finally:
                await bot.close()
