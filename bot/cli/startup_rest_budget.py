"""`run`'s REST budget step: who keeps Discord's limits when several processes share the bot token.

- `database`: one budget in PostgreSQL (db/rest_budget.py) for the token's global limit, every route bucket
  and each channel's progress edits; every process on the token takes from it before each request.
- `process`: discord.py's own limiter in each process (enough for one process, as on SQLite).
- `auto`: `database` on PostgreSQL, but `process` where DISCORD_API_URL is not Discord's own API: there an
  operator runs a REST rate-limit proxy (nirn-proxy, twilight's http-proxy) that already keeps the limits for
  every process, and a second budget in front of it would only halve the throughput.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator

from bot.cli.startup_failure import StartupFailure
from bot.client import ComfyBot
from bot.reporting.config import ReportingConfig
from bot.rest_budget_hook import attach_rest_budget
from bot.roles import ShardedComfyBot
from bot.settings import DISCORD_API_DEFAULT, Settings
from core.rest_budget.budget import RestBudget
from core.rest_budget.rules import Rate, global_rate
from db.engine import is_sqlite
from db.rest_budget import PostgresBudgetStore

log = logging.getLogger(__name__)


def budget_wanted(settings: Settings) -> bool:
    if settings.discord_rest_budget == "process":
        return False
    if settings.discord_rest_budget == "database":
        if is_sqlite(settings.database_url):
            raise StartupFailure(
                "DISCORD_REST_BUDGET=database needs PostgreSQL (SQLite is one process: its own limits do)",
                "set DISCORD_REST_BUDGET=auto, or DATABASE_URL to postgresql+asyncpg://...",
                exit_code=2,
            )
        return True
    if is_sqlite(settings.database_url):
        return False
    if settings.discord_api_url.rstrip("/") != DISCORD_API_DEFAULT:
        log.info("Discord's REST limits kept by the proxy at DISCORD_API_URL; the shared budget steps aside")
        return False
    return True


def token_key(token: str) -> str:
    """Tells bot tokens apart in the shared table; a digest, so the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def edit_rate(config: ReportingConfig) -> Rate:
    """A channel's progress edits, spread evenly: at most `channel_edits_per_window` in any window."""
    return Rate(per_s=config.channel_edits_per_window / config.channel_window_s, burst=1)


@contextlib.asynccontextmanager
async def shared_rest_budget(settings: Settings, token: str) -> AsyncIterator[RestBudget | None]:
    """The shared budget for as long as the block runs, or None where it steps aside (`budget_wanted`)."""
    if not budget_wanted(settings):
        yield None
        return
    store = await PostgresBudgetStore.open(settings.database_url)
    budget = RestBudget(
        store, token_key=token_key(token), global_rate=global_rate(settings.discord_global_limit)
    )
    log.info(
        "Discord's REST limits shared through the database (global %d requests/s for the token)",
        settings.discord_global_limit,
    )
    try:
        yield budget
    finally:
        await budget.close()


def share_budget(bot: ComfyBot, budget: RestBudget | None) -> None:
    """Before login: the bot's REST requests and its progress edits take from the shared budget."""
    if budget is None:
        return
    attach_rest_budget(bot, budget)
    bot.reporter.share_channel_edits(budget.channel_edit, edit_rate(bot.reporting_config))
    if isinstance(bot, ShardedComfyBot):
        bot.shared_identify = budget.identify
