"""`python -m bot run`: the composition root. Builds everything once and hands it down."""

from __future__ import annotations

import logging

import aiohttp

from bot.cli.discord_endpoints import point_discord_at
from bot.cli.runtime_config import runtime_config
from bot.client import ComfyBot
from bot.metrics import metrics_served
from bot.runtime import CoreRuntime
from bot.settings import Settings
from db.engine import is_sqlite
from db.migrate import SchemaOutdated, ensure_schema

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    token = settings.discord_token.get_secret_value()
    if not token:
        log.error("DISCORD_TOKEN is not set. Put the bot's token in the environment or in .env.")
        return 2
    try:
        await ensure_schema(settings.database_url, auto_migrate_sqlite=is_sqlite(settings.database_url))
    except SchemaOutdated as exc:
        log.error("%s", exc)
        return 2
    point_discord_at(settings)
    config = await runtime_config(settings)
    async with aiohttp.ClientSession() as http:  # the one HTTP session of this process
        runtime = await CoreRuntime.build(config, http=http)
        bot = ComfyBot(settings=settings, runtime=runtime)

        def connected() -> bool:
            return bot.is_ready() and not bot.is_closed() and bot.ws is not None and bot.ws.open

        async with bot, metrics_served(settings.metrics_port, runtime, connected):
            await bot.start(token)
    return 0
