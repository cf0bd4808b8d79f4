"""What one `python -m bot` process does: everything (`all`), Discord's gateway only, or the queue only.

- `all` (the default): one process receives commands and runs the queue (SQLite or PostgreSQL).
- `gateway`: holds gateway shards (SHARD_IDS of SHARD_COUNT), answers interactions within Discord's 3 s and
  submits jobs; it keeps a copy of the queue for places and caps but never runs a job.
- `worker`: no gateway connection; runs the queue, drives ComfyUI and edits the jobs' messages over REST, with
  the interaction token kept with each job or the bot token.

Any number of each share one PostgreSQL database (LISTEN/NOTIFY wakes the workers when a gateway queues a
job); SQLite is one process, so only `all` runs on it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from discord.ext import commands

from bot.cli.startup_failure import StartupFailure
from bot.client import ComfyBot
from bot.runtime import CoreRuntime
from bot.settings import Role, Settings

log = logging.getLogger(__name__)

# Discord lets `max_concurrency` shards IDENTIFY per 5 seconds, each in the bucket shard_id % max_concurrency
# (https://discord.com/developers/docs/events/gateway#session-start-limit-object and "Sharding").
IDENTIFY_WINDOW_S = 5.0


class IdentifyPacing:
    """One IDENTIFY per bucket per 5 s, buckets being shard_id % max_concurrency (in this process)."""

    def __init__(self, max_concurrency: int = 1, window_s: float = IDENTIFY_WINDOW_S) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._window_s = window_s
        self._last: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def wait_turn(self, shard_id: int) -> None:
        bucket = shard_id % self.max_concurrency
        async with self._lock:
            last = self._last.get(bucket)
            if last is not None:
                await asyncio.sleep(max(0.0, last + self._window_s - time.monotonic()))
            self._last[bucket] = time.monotonic()


class ShardedComfyBot(ComfyBot, commands.AutoShardedBot):
    """The bot holding some of Discord's gateway shards (a `gateway` process, or `all` with SHARD_COUNT)."""

    identify_pacing = IdentifyPacing()
    # The shared REST budget's IDENTIFY turns (bot.cli.startup_rest_budget), so that gateway processes
    # starting together keep Discord's session start limit between them; None: this process's pacing only.
    shared_identify: Callable[[int], Awaitable[None]] | None = None

    async def setup_hook(self) -> None:
        limits = await self.fetch_session_start_limits()
        self.identify_pacing = IdentifyPacing(limits.max_concurrency)
        log.info(
            "gateway shards %s of %s (Discord allows %d IDENTIFYs per 5 s, %d session starts left today)",
            ",".join(map(str, self.shard_ids)) if self.shard_ids else "all",
            self.shard_count if self.shard_count is not None else "Discord's recommended count",
            limits.max_concurrency,
            limits.remaining,
        )
        await super().setup_hook()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py's own waits 5 s before every shard but the first, whatever max_concurrency says.
        await self.identify_pacing.wait_turn(shard_id or 0)
        if self.shared_identify is not None:
            await self.shared_identify((shard_id or 0) % self.identify_pacing.max_concurrency)


def build_bot(settings: Settings, runtime: CoreRuntime, role: Role) -> ComfyBot:
    """The Discord client of a process in `role`: sharded when it is a gateway or SHARD_COUNT is set."""
    if role == "gateway" or (role == "all" and settings.shard_count is not None):
        return ShardedComfyBot(
            settings=settings,
            runtime=runtime,
            role=role,
            shard_ids=settings.shard_id_list,
            shard_count=settings.shard_count,
        )
    return ComfyBot(settings=settings, runtime=runtime, role=role)


def is_up(bot: ComfyBot) -> bool:
    """For /healthz: a worker is up while logged in; a gateway while every shard it holds is connected."""
    if bot.is_closed():
        return False
    if bot.role == "worker":
        return bot.user is not None
    if isinstance(bot, ShardedComfyBot):
        return bot.is_ready() and all(not shard.is_closed() for shard in bot.shards.values())
    return bot.is_ready() and bot.ws is not None and bot.ws.open


# Discord's gateway close codes for shards (https://discord.com/developers/docs/topics/opcodes-and-status-codes
# #gateway-gateway-close-event-codes): not to be retried, each has one fix.
_SHARD_REFUSALS = {
    4010: (
        "Discord refused a shard (4010 Invalid shard): SHARD_IDS and SHARD_COUNT do not fit together",
        "give SHARD_IDS numbers from 0 to SHARD_COUNT - 1, and every gateway the same SHARD_COUNT",
    ),
    4011: (
        "Discord requires more shards (4011 Sharding required): a shard would hold more than 2500 servers",
        "raise SHARD_COUNT (or leave it empty for Discord's recommendation) and share the shards out with "
        "SHARD_IDS",
    ),
}


def shard_refusal(code: int) -> StartupFailure | None:
    """The one-line failure for a gateway closed because of its shards; None for any other close."""
    found = _SHARD_REFUSALS.get(code)
    return None if found is None else StartupFailure(*found, exit_code=2)
