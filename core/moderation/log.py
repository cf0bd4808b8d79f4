"""What the moderation log records, and the one call that records it (the interface in NOTES-18.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from db.enums import ModerationAction as ModerationAction  # a word of the log, for its callers
from db.models.moderation_record import EXCERPT_MAX_CHARS
from db.units.moderation_log import LoggedEntry as LoggedEntry  # an entry as stored, for the front-end
from db.units.moderation_log import LogPage as LogPage

EXCERPT_CHARS = EXCERPT_MAX_CHARS


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    guild_id: int  # the server; a personal scope (negative, core.jobs.scopes) is not logged: no managers
    user_id: int  # who asked
    job_id: int | None  # None when refused before a job existed
    rule: str  # "blocked_word:gore", "nsfw_channel", "flagged_result:…": what refused or hid it
    excerpt: str  # the text that met the rule; record() trims it to EXCERPT_CHARS
    action: ModerationAction
    at: datetime | None = None  # timezone-aware; None: when record() is called


class ModerationLog(Protocol):
    async def record(self, entry: ModerationEntry) -> None:
        """Keep the entry. Never raises: a log that fails must not change what happens to the request."""
        ...


class NullModerationLog:
    """Records nothing: for parts built without a log (tools, some tests)."""

    async def record(self, entry: ModerationEntry) -> None:
        return None


class RecordingModerationLog:
    """Keeps the entries in a list: for tests of a part that records, without a database."""

    def __init__(self) -> None:
        self.entries: list[ModerationEntry] = []

    async def record(self, entry: ModerationEntry) -> None:
        self.entries.append(entry)


def excerpt_of(text: str) -> str:
    """One line, at most EXCERPT_CHARS characters (an ellipsis says it was cut)."""
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1] + "…"
