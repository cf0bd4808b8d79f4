"""Where Discord put the files of a message it accepted: in `attachments`, or (a components V2 message)
in the components that show them (bot/ui/shown_media.py)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.ui.shown_media import shown_media


def uploaded_urls(message: discord.Message, filenames: Sequence[str]) -> list[str | None]:
    """The CDN address of each file named (None for one the message does not hold), in order."""
    found = {attachment.filename: attachment.url for attachment in message.attachments}
    for media in shown_media(message):
        found.setdefault(media.filename, media.url)
    return [found.get(name) for name in filenames]
