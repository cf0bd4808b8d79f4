"""The browsing and management extensions, for bot/client.py's EXTENSIONS."""

from __future__ import annotations

BROWSING_EXTENSIONS: tuple[str, ...] = (
    "bot.exts.history",
    "bot.exts.queue_commands",
    "bot.exts.settings_command",
    "bot.exts.workflows",
    "bot.exts.listing_presses",
)
