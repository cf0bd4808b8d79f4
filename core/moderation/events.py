"""Who hears that a moderation log entry was stored: the front-end posts it to the guild's log channel,
tests wait on it. Listeners are called on the event loop right after the entry is written; one that
raises is logged and the others still hear (as core.jobs.delivery_events)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from db.units.moderation_log import LoggedEntry

log = logging.getLogger(__name__)

EntryListener = Callable[[LoggedEntry], None]


class ModerationEvents:
    def __init__(self) -> None:
        self._listeners: list[EntryListener] = []

    def subscribe(self, listener: EntryListener) -> Callable[[], None]:
        """Hear every stored entry from now on; the returned callable stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def stored(self, entry: LoggedEntry) -> None:
        for listener in list(self._listeners):
            try:
                listener(entry)
            except Exception:
                log.exception("a moderation log listener failed")
