"""A paged listing's button that names the page it turns to in its custom_id, so that a press still turns
once the listing's view is gone (a restart, its 10 minutes): bot.ui.history_turns for /history,
bot.ui.log_turns for /settings log. Both begin the same way:

    <listing>:<older|newer>:<command id>:<page number>:<id of the row turned from>[:<the listing's own>]

in base 36. "older" turns to the page just older than that row (it is where the next page starts),
"newer" to the one just newer than the page shown's newest row (keyset both ways,
bot.ui.page_cursors.KeysetCursors). The command's id keeps two listings' buttons apart (bot.ui.open_forms
knows them by custom_id).

Discord takes at most 100 characters in a button's custom_id ("custom_id: Developer-defined identifier for
the button; max 100 characters", https://discord.com/developers/docs/components/reference#button).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CUSTOM_ID = 100
WAYS = ("older", "newer")
_NUMBER = re.compile(r"[0-9a-z]{1,13}")  # base 36; a snowflake (64 bits) takes 13 digits
_LARGEST = 2**64 - 1


@dataclass(frozen=True, slots=True)
class PagePlace:
    """Where a listing is: its page number, and the page just older than `before_id` or just newer than
    `after_id` (neither: the first page)."""

    page_number: int = 1
    before_id: int | None = None
    after_id: int | None = None


def page_name(listing: str, way: str, command_id: int, *, page_number: int, anchor: int) -> str:
    """The part every listing's page button begins with: `anchor` is the row turned from."""
    return ":".join([listing, way, b36(command_id), b36(page_number), b36(anchor)])


def read_page_name(listing: str, parts: list[str]) -> PagePlace | None:
    """The place the first five `parts` of a custom_id split at ":" turn to; None unless well formed."""
    if len(parts) < 5 or parts[0] != listing or parts[1] not in WAYS:
        return None
    command, page, anchor = (read_number(text) for text in parts[2:5])
    if command is None or page is None or anchor is None or page < 1 or anchor < 1:
        return None
    if parts[1] == "older":
        return PagePlace(page + 1, before_id=anchor)
    return PagePlace(max(page - 1, 1), after_id=anchor)


def fits(custom_id: str) -> bool:
    """Within Discord's limit, counted in UTF-16 code units: at least the characters it holds, so a text
    with an emoji is never taken here and refused there."""
    return len(custom_id.encode("utf-16-le")) // 2 <= MAX_CUSTOM_ID


def b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def read_number(text: str) -> int | None:
    # int(…, 36) alone would take signs, spaces and underscores too
    if not _NUMBER.fullmatch(text):
        return None
    number = int(text, 36)
    return number if number <= _LARGEST else None
