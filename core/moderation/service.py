"""The moderation log the runtime hands to the core: entries written in the background, then announced.

`record` returns at once: a refusal is answered within Discord's 3 seconds and must not wait on a write.
The write runs as a kept background task; once stored, `ModerationEvents` listeners hear of it (the
front-end's log channel post). A failed write is a warning line: the request's outcome stays what it was.
A member's refusal by one rule is logged at most once a minute (core.moderation.repeats).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from background.log_context import log_context
from background.tasks import BackgroundTasks
from core.jobs.scopes import is_personal
from core.moderation.events import ModerationEvents
from core.moderation.log import ModerationEntry, excerpt_of
from core.moderation.repeats import RepeatedRefusals
from core.moderation.settings import Clock, utc_now
from db.units.moderation_log import LogPage, ModerationStore
from db.units.outages import is_outage

log = logging.getLogger(__name__)


class ModerationLogService:
    def __init__(self, store: ModerationStore, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock
        self.events = ModerationEvents()
        self._tasks = BackgroundTasks("moderation-log")
        self._repeats = RepeatedRefusals()

    async def record(self, entry: ModerationEntry) -> None:
        # A personal scope (the app used through someone's own install) has no managers to read a log.
        if is_personal(entry.guild_id):
            return
        now = self._clock()
        if self._repeats.is_repeat(entry, now):  # the same refusal again within a minute: not logged twice
            with log_context(guild_id=entry.guild_id, user_id=entry.user_id):
                log.debug("moderation log: %s repeated within a minute; not logged again", entry.rule)
            return
        entry = replace(entry, excerpt=excerpt_of(entry.excerpt), at=entry.at or now)
        self._tasks.spawn(self._write(entry), name="moderation-log-write")

    async def _write(self, entry: ModerationEntry) -> None:
        with log_context(guild_id=entry.guild_id, user_id=entry.user_id, job_id=entry.job_id):
            try:
                stored = await self._store.add(
                    guild_id=entry.guild_id,
                    user_id=entry.user_id,
                    job_id=entry.job_id,
                    rule=entry.rule,
                    excerpt=entry.excerpt,
                    action=entry.action,
                    at=entry.at or self._clock(),
                )
            except Exception as error:
                if not is_outage(error):
                    log.exception("moderation log entry (%s) not stored", entry.rule)
                    return
                log.warning("moderation log entry (%s) not stored: the database is unreachable", entry.rule)
                return
            log.info("moderation log: %s %s", entry.action.value, entry.rule)
            self.events.stored(stored)

    async def page(
        self, guild_id: int, *, before_id: int | None = None, after_id: int | None = None, limit: int = 10
    ) -> LogPage:
        """One guild's entries, newest first (only that guild's: the caller passes the asker's guild); going
        back, those just newer than `after_id`."""
        return await self._store.page(guild_id, before_id=before_id, after_id=after_id, limit=limit)

    async def close(self) -> None:
        """Let writes under way finish (briefly), so an entry recorded just before a stop is kept."""
        await self._tasks.drain(within_s=5.0)
