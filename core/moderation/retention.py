"""Moderation log entries are kept MODERATION_LOG_DAYS: a supervised background sweep deletes older ones.

The clock is handed in (ModerationSettings), so tests move time forward instead of waiting; the sweep runs
every `sweep_interval_s` (an hour by default: an entry outlives its retention by at most that).
"""

from __future__ import annotations

import asyncio
import logging

from background.loops import supervise
from background.tasks import BackgroundTasks
from core.moderation.settings import ModerationSettings
from db.units.moderation_log import ModerationStore
from db.units.outages import outage_note

log = logging.getLogger(__name__)


class ModerationRetention:
    def __init__(self, store: ModerationStore, settings: ModerationSettings) -> None:
        self._store = store
        self._keep = settings.keep
        self._clock = settings.clock
        self._interval_s = settings.sweep_interval_s
        self._tasks = BackgroundTasks("moderation-retention")
        # The event "a sweep deleted entries", for whoever waits on it (tests, an admin command).
        self._deleted_total = 0
        self._changed = asyncio.Condition()

    def start(self) -> None:
        sweeping = supervise("deleting old moderation log entries", self._loop, expected=outage_note)
        self._tasks.spawn(sweeping, name="moderation-retention-sweep")

    async def close(self) -> None:
        await self._tasks.close()

    async def sweep(self) -> int:
        """Delete every entry older than the retention; how many went."""
        deleted = await self._store.delete_before(self._clock() - self._keep)
        if deleted:
            log.info("moderation log: %d entries older than %s deleted", deleted, self._keep)
            async with self._changed:
                self._deleted_total += deleted
                self._changed.notify_all()
        return deleted

    async def wait_deleted(self, at_least: int) -> None:
        """Until the sweeps have deleted at least this many entries since start."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._deleted_total >= at_least)

    async def _loop(self) -> None:
        while True:
            await self.sweep()
            await asyncio.sleep(self._interval_s)
