"""Answering an interaction for the browsing commands and views: acknowledge fast, refuse only to the asker.

`answering` is the one error path of these commands until the shared app-command error handler exists: a
UserFacingError becomes its sentence, shown only to the person who asked; anything else propagates.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord

from bot.core.errors import UserFacingError

log = logging.getLogger(__name__)


async def acknowledge(interaction: discord.Interaction, *, ephemeral: bool = True) -> int | None:
    """Defer at once: Discord gives us 3 seconds, and the database may take longer under load.

    Returns the id of the "thinking…" message the answer will replace, when Discord says it.
    """
    if interaction.response.is_done():
        return None
    callback = await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return callback.message_id if callback is not None else None


async def refuse(interaction: discord.Interaction, sentence: str, *, public_defer: bool = False) -> None:
    """Show `sentence` to the person who asked, and only to them."""
    if not interaction.response.is_done():
        await interaction.response.send_message(sentence, ephemeral=True)
        return
    if public_defer:
        # The first followup after a public "thinking…" defer would edit it in public: drop it instead.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not delete the deferred response of interaction %s", interaction.id)
    await interaction.followup.send(sentence, ephemeral=True)


@asynccontextmanager
async def answering(interaction: discord.Interaction, *, ephemeral: bool = True) -> AsyncIterator[int | None]:
    """Acknowledge, run the body, and turn a UserFacingError into its sentence for the asker alone.

    Yields the id of the deferred response message (see `acknowledge`).
    """
    message_id = await acknowledge(interaction, ephemeral=ephemeral)
    try:
        yield message_id
    except UserFacingError as error:
        command = interaction.command.qualified_name if interaction.command else "component"
        log.info(
            "guild_id=%s user %s refused in %s: %s",
            interaction.guild_id,
            interaction.user.id,
            command,
            error.user_message,
        )
        await refuse(interaction, error.user_message, public_defer=not ephemeral)
