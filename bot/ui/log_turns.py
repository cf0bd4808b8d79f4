"""/settings log's page buttons write the page they turn to into their custom_id (bot.ui.page_names), so
that one pressed after a restart, or after the list's 10 minutes, still turns (bot.exts.listing_presses).
The log has no filters: the page is all there is.

    modlog:older:<command id>:<page>:<entry id>
"""

from __future__ import annotations

from bot.ui.page_names import WAYS, PagePlace, fits, page_name, read_page_name

PREFIX = "modlog"


def turn_id(name: str, command_id: int, *, page_number: int, anchor: int | None) -> str | None:
    """The custom_id of the "older" (`anchor`: where the next page starts) or "newer" (`anchor`: the page
    shown's newest entry) button on page `page_number`; None where there is nowhere to turn."""
    if anchor is None or name not in WAYS:
        return None
    custom_id = page_name(PREFIX, name, command_id, page_number=page_number, anchor=anchor)
    return custom_id if fits(custom_id) else None


def read_turn(custom_id: str) -> PagePlace | None:
    """The place a pressed button turns to; None for anything but a well-formed one of ours."""
    parts = custom_id.split(":")
    return read_page_name(PREFIX, parts) if len(parts) == 5 and fits(custom_id) else None
