"""Each guild's limits as the scheduler, which waits on nothing, asks for them.

The policy cache's copy when it has one. A guild this process has not read yet (a worker's first job of a
server a gateway queued, or one whose settings another process just changed) starts no job until its own
limits are read: with Discord-free defaults a worker would run three of a member's jobs at once in a server
that allows one. The read is made at once in the background, and then the scheduler is woken (`on_read`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from background.log_context import log_context
from background.tasks import BackgroundTasks
from core.jobs.policy import PolicyCache
from core.queue.limits import GuildLimits

log = logging.getLogger(__name__)

NOT_READ_YET = GuildLimits(max_running_per_user=0)  # nothing starts before the guild's own are known
RETRY_S = 1.0  # a read that failed (the database away) is tried again this much later


class KnownLimits:
    def __init__(self, policies: PolicyCache) -> None:
        self._policies = policies
        self._reading: set[int] = set()
        self._tasks = BackgroundTasks("guild-limits")
        self.on_read: Callable[[], None] = lambda: None  # wakes the scheduler (set by the runtime)

    def __call__(self, guild_id: int) -> GuildLimits:
        view = self._policies.peek(guild_id)
        if view is not None:
            return view.limits
        if guild_id not in self._reading:
            self._reading.add(guild_id)
            self._tasks.spawn(self._read(guild_id), name=f"guild-limits-{guild_id}")
        return NOT_READ_YET

    async def _read(self, guild_id: int) -> None:
        try:
            await self._policies.get(guild_id)
        except Exception as exc:  # the scheduler asks again when woken: the jobs wait, none is lost
            with log_context(guild_id=guild_id):
                log.warning("the guild's limits could not be read (%s); its jobs wait", exc)
            await asyncio.sleep(RETRY_S)
        finally:
            self._reading.discard(guild_id)
        self.on_read()

    async def close(self) -> None:
        await self._tasks.close()
