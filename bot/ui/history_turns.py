"""/history's page buttons write the page they turn to into their custom_id (bot.ui.page_names), so that
one pressed after a restart, or after its listing's 10 minutes, still turns (bot.exts.listing_presses):
with the listing's filters, and whether it is shown to the channel. Who may press is not written: the
message's own interaction metadata says who ran the command.

    history:older:<command id>:<page>:<job id>:<public>:<user>:<kind>:<status>:<search>

An empty field for no filter, the search last (it may hold ":"). A listing whose filters do not fit in
Discord's 100 characters (a long search) keeps the plain id, bot.ui.page_turner's: one of those pressed
after a restart is told the list expired, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ui.history_render import HistoryFilters
from bot.ui.page_names import WAYS, PagePlace, b36, fits, page_name, read_number, read_page_name
from core.jobs.snapshots import JobStatus
from core.kinds import JobKind

PREFIX = "history"
_KIND = re.compile(r"[a-z0-9_-]{1,32}")
_STATUSES = {status.value: status for status in JobStatus}


@dataclass(frozen=True, slots=True)
class HistoryTurn:
    """A press read back from its custom_id: the place it turns to, and the listing it was in."""

    place: PagePlace
    public: bool
    filters: HistoryFilters


def turn_id(
    name: str, command_id: int, *, page_number: int, anchor: int | None, public: bool, filters: HistoryFilters
) -> str | None:
    """The custom_id of the "older" (`anchor`: where the next page starts) or "newer" (`anchor`: the page
    shown's newest job) button on page `page_number`; None where there is nowhere to turn or it cannot fit."""
    if anchor is None or name not in WAYS:
        return None
    kind = filters.kind or ""
    if kind and not _KIND.fullmatch(kind):
        return None
    user = "" if filters.user_id is None else b36(filters.user_id)
    head = page_name(PREFIX, name, command_id, page_number=page_number, anchor=anchor)
    status = filters.status.value if filters.status is not None else ""
    custom_id = ":".join([head, "1" if public else "0", user, kind, status, filters.search or ""])
    return custom_id if fits(custom_id) else None


def read_turn(custom_id: str) -> HistoryTurn | None:
    """The place a pressed button turns to and its listing; None for anything but a well-formed one of
    ours (an older listing's plain id, a damaged or made-up one)."""
    parts = custom_id.split(":", 9)
    place = read_page_name(PREFIX, parts) if fits(custom_id) and len(parts) == 10 else None
    if place is None:
        return None
    public, user, kind, status, search = parts[5:]
    if (
        public not in ("0", "1")
        or (user and read_number(user) is None)
        or (kind and not _KIND.fullmatch(kind))
        or (status and status not in _STATUSES)
    ):
        return None
    filters = HistoryFilters(
        user_id=read_number(user) if user else None,
        kind=JobKind(kind) if kind else None,
        search=search or None,
        status=_STATUSES[status] if status else None,
    )
    return HistoryTurn(place, public == "1", filters)
