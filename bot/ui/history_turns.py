"""/history's page buttons write the page they turn to into their custom_id, so that one pressed after a
restart, or after its listing's 10 minutes, still turns (bot.exts.expired_listings): which way, from which
job (keyset both ways, bot.ui.page_cursors.KeysetCursors), the page number, whether the listing is shown to
the channel, and its filters. Who may press is not written: the message's own interaction metadata says
who ran the command.

    history:older:<command id>:<page>:<job id>:<public>:<user>:<kind>:<search>

Numbers in base 36, an empty field for no filter, the search last (it may hold ":"). The command's id keeps
two listings' buttons apart (bot.ui.open_forms knows them by custom_id).

Discord takes at most 100 characters in a button's custom_id ("custom_id: Developer-defined identifier for
the button; max 100 characters", https://discord.com/developers/docs/components/reference#button). A
listing whose filters do not fit (a long search) keeps the plain id, bot.ui.page_turner's: one of those
pressed after a restart is told the list expired, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ui.history_render import HistoryFilters
from core.kinds import JobKind

MAX_CUSTOM_ID = 100
PREFIX = "history"
_NUMBER = re.compile(r"[0-9a-z]{1,13}")  # base 36; a snowflake (64 bits) takes 13 digits
_KIND = re.compile(r"[a-z0-9_-]{1,32}")
_LARGEST = 2**64 - 1


@dataclass(frozen=True, slots=True)
class HistoryPlace:
    """Where a listing is: its page number, and the page just older than `before_id` or just newer than
    `after_id` (neither: the first page)."""

    page_number: int = 1
    before_id: int | None = None
    after_id: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryTurn:
    """A press read back from its custom_id: the place it turns to, and the listing it was in."""

    place: HistoryPlace
    public: bool
    filters: HistoryFilters


def turn_id(
    name: str, command_id: int, *, page_number: int, anchor: int | None, public: bool, filters: HistoryFilters
) -> str | None:
    """The custom_id of the "older" (`anchor`: where the next page starts) or "newer" (`anchor`: the page
    shown's newest job) button on page `page_number`; None where there is nowhere to turn or it cannot fit."""
    if anchor is None or name not in ("older", "newer"):
        return None
    kind = filters.kind or ""
    if kind and not _KIND.fullmatch(kind):
        return None
    user = "" if filters.user_id is None else _b36(filters.user_id)
    fields = [
        PREFIX,
        name,
        _b36(command_id),
        _b36(page_number),
        _b36(anchor),
        "1" if public else "0",
        user,
        kind,
    ]
    custom_id = ":".join([*fields, filters.search or ""])
    return custom_id if _length(custom_id) <= MAX_CUSTOM_ID else None


def read_turn(custom_id: str) -> HistoryTurn | None:
    """The place a pressed button turns to and its listing; None for anything but a well-formed one of
    ours (an older listing's plain id, a damaged or made-up one)."""
    if _length(custom_id) > MAX_CUSTOM_ID:
        return None
    parts = custom_id.split(":", 8)
    if len(parts) != 9:
        return None
    prefix, name, command, page, anchor, public, user, kind, search = parts
    if prefix != PREFIX or name not in ("older", "newer") or public not in ("0", "1"):
        return None
    numbers = [_number(text) for text in (command, page, anchor)]
    if None in numbers or (user and _number(user) is None) or (kind and not _KIND.fullmatch(kind)):
        return None
    page_number, job_id = _number(page) or 0, _number(anchor) or 0
    if page_number < 1 or job_id < 1 or len(search) > 100:
        return None
    place = (
        HistoryPlace(page_number + 1, before_id=job_id)
        if name == "older"
        else HistoryPlace(max(page_number - 1, 1), after_id=job_id)
    )
    filters = HistoryFilters(
        user_id=_number(user) if user else None,
        kind=JobKind(kind) if kind else None,
        search=search or None,
    )
    return HistoryTurn(place, public == "1", filters)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def _number(text: str) -> int | None:
    # int(…, 36) alone would take signs, spaces and underscores too
    if not _NUMBER.fullmatch(text):
        return None
    number = int(text, 36)
    return number if number <= _LARGEST else None


def _length(text: str) -> int:
    """As long as Discord may count it: in UTF-16 code units, at least the characters it holds (a search
    with an emoji must not fit here and be refused there)."""
    return len(text.encode("utf-16-le")) // 2
