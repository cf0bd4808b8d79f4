"""Refusals a member repeats: at most one moderation log entry a minute per (guild, member, rule).

A member sending the same refused request again and again would otherwise fill the table and the guild's
log channel with copies. The repeats inside the minute are dropped, not counted: a log row has no count to
add them to, and its first entry already tells the managers who tried what, by which rule.

Only refusals made before a job exists are coalesced: an entry about a job (spoilered, withheld) points to
its own job, and jobs are paced by the queue's limits. Kept in memory: a guild's refusals are made by the
one gateway process holding it, and a restart lets at most one more entry through.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from core.moderation.log import ModerationEntry

REPEAT_WINDOW = timedelta(minutes=1)

_Key = tuple[int, int, str]  # guild, member, rule


class RepeatedRefusals:
    def __init__(self, window: timedelta = REPEAT_WINDOW) -> None:
        self._window = window
        self._kept_at: OrderedDict[_Key, datetime] = OrderedDict()  # oldest first

    def is_repeat(self, entry: ModerationEntry, now: datetime) -> bool:
        """Whether `entry` repeats one kept less than the window before `now`; if not, it counts as kept."""
        if entry.job_id is not None:
            return False
        self._forget_before(now - self._window)
        key = (entry.guild_id, entry.user_id, entry.rule)
        if key in self._kept_at:
            return True
        self._kept_at[key] = now
        return False

    def _forget_before(self, cutoff: datetime) -> None:
        while self._kept_at:
            key, kept_at = next(iter(self._kept_at.items()))
            if kept_at > cutoff:
                return
            del self._kept_at[key]
