"""`python -m bot sync`: publish the slash commands globally (Discord takes up to an hour to show them).

It logs in over REST only (no gateway, no ComfyUI, no database work) and loads the same extensions the bot
runs, so the published commands are exactly the running ones.
"""

from __future__ import annotations

import logging

import aiohttp

from bot.cli.runtime_config import runtime_config
from bot.cli.startup_discord import log_in
from bot.cli.startup_failure import StartupFailure
from bot.client import ComfyBot
from bot.runtime import CoreRuntime
from bot.settings import Settings

log = logging.getLogger(__name__)


class _CommandPublisher(ComfyBot):
    async def setup_hook(self) -> None:
        # Only the commands: the core is not started and nothing is synced to the development guild.
        await self.load_commands()


async def sync(settings: Settings) -> int:
    token = settings.discord_token.get_secret_value()
    if not token:
        raise StartupFailure(
            "DISCORD_TOKEN is not set", "put the bot's token in the environment or in .env", exit_code=2
        )
    config = await runtime_config(settings)
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        bot = _CommandPublisher(settings=settings, runtime=runtime)
        try:
            await log_in(bot, token, settings.discord_api_url)
            synced = await bot.tree.sync()
        finally:
            await bot.close()
    log.info("synced %d commands globally: %s", len(synced), ", ".join(sorted(c.name for c in synced)))
    return 0
