"""The files given to /workflows add, read with a cap: a file declared too large is refused before any byte
is downloaded (and a body that passes the cap anyway is cut off: bot/inputs/capped_read.py)."""

from __future__ import annotations

import discord

from bot.client import ComfyBot
from bot.inputs.capped_read import read_capped
from bot.locales import Words
from core.errors import UserFacingError
from core.inputs import InputRefused
from core.texts import Text
from core.workflows.shelf import SIDECAR_MAX_BYTES, WORKFLOW_MAX_BYTES


async def read_workflow(bot: ComfyBot, attachment: discord.Attachment, words: Words) -> bytes:
    return await _read(bot, attachment, WORKFLOW_MAX_BYTES, words, Text("download.what.workflow", "workflow"))


async def read_sidecar(bot: ComfyBot, attachment: discord.Attachment, words: Words) -> bytes:
    return await _read(bot, attachment, SIDECAR_MAX_BYTES, words, Text("download.what.sidecar", "sidecar"))


async def _read(bot: ComfyBot, attachment: discord.Attachment, limit: int, words: Words, what: Text) -> bytes:
    try:
        return await read_capped(
            bot.runtime.http, attachment.url, max_bytes=limit, declared_size=attachment.size, what=what
        )
    except InputRefused as refused:
        raise UserFacingError(
            words(
                "workflows.too_large",
                file=attachment.filename,
                size=f"{attachment.size / 1024:.0f}",
                limit=f"{limit // 1024}",
            )
        ) from refused
