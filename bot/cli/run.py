"""`python -m bot run`: the composition root. Builds everything once and hands it down.

Start-up says one line per step that matters (database, workflows, each backend, Discord); a step it
cannot continue from raises StartupFailure (one line with the fix). SIGTERM or SIGINT stops it gracefully.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from bot.cli.runtime_config import runtime_config
from bot.cli.startup_database import prepare_database
from bot.cli.startup_discord import log_in
from bot.cli.startup_failure import StartupFailure
from bot.cli.startup_rest_budget import share_budget, shared_rest_budget
from bot.cli.stop_signals import stop_requested
from bot.client import ComfyBot
from bot.metrics import metrics_served
from bot.metrics.rest_budget import RestBudgetCollector
from bot.roles import build_bot, is_up, shard_refusal
from bot.runtime import CoreRuntime
from bot.settings import Role, Settings
from db.engine import is_sqlite

log = logging.getLogger(__name__)


async def run(settings: Settings, role: Role | None = None) -> int:
    """The bot in one of its roles (bot.roles): `role` from the subcommand, else ROLE."""
    role = role or settings.role
    token = settings.discord_token.get_secret_value()
    if not token:
        raise StartupFailure(
            "DISCORD_TOKEN is not set", "put the bot's token in the environment or in .env", exit_code=2
        )
    if role != "all" and is_sqlite(settings.database_url):
        raise StartupFailure(
            f"the {role} role needs PostgreSQL: with SQLite one process does everything",
            "set DATABASE_URL to postgresql+asyncpg://..., or run `python -m bot` (ROLE=all)",
            exit_code=2,
        )
    async with stop_requested() as stopping:
        await prepare_database(settings.database_url)
        config = await runtime_config(settings, role)
        async with (
            aiohttp.ClientSession() as http,  # the one HTTP session of this process
            shared_rest_budget(settings, token) as budget,
        ):
            runtime = await CoreRuntime.build(config, http=http)
            bot = build_bot(settings, runtime, role)
            share_budget(bot, budget)
            async with bot, metrics_served(settings.metrics_port, runtime, lambda: is_up(bot)) as metrics:
                if metrics is not None and budget is not None:
                    metrics.registry.register(RestBudgetCollector(budget))
                await log_in(bot, token, settings.discord_api_url)
                if role == "worker":
                    log.info("worker %s: running the queue, no gateway connection", config.queue.worker_id)
                    await stopping.wait()
                    await bot.close()
                else:
                    await _until_stopped(bot, stopping)
    return 0


async def _until_stopped(bot: ComfyBot, stopping: asyncio.Event) -> None:
    """Run the gateway until it ends on its own or a stop is asked for; then close in order (see close)."""
    gateway = asyncio.create_task(bot.connect(), name="discord-gateway")
    asked = asyncio.create_task(stopping.wait(), name="stop-requested")
    try:
        await asyncio.wait({gateway, asked}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        asked.cancel()
    if gateway.done():
        try:
            await gateway  # it ended on its own: its error (if any) is the answer
        except discord.ConnectionClosed as closed:
            refusal = shard_refusal(closed.code)
            if refusal is None:
                raise
            raise refusal from closed
        return
    await bot.close()
    await gateway
