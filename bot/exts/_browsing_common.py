"""What the browsing and management commands share: acknowledging at once, the guild, the manager check.

Errors are not handled here: a UserFacingError raised by a command reaches the one error path
(bot/exts/errors.py), which shows its sentence to the asker alone.
"""

from __future__ import annotations

import discord

from core.errors import NotAllowed
from core.texts import Text


async def acknowledge(interaction: discord.Interaction, *, ephemeral: bool = True) -> int | None:
    """Defer at once: Discord gives us 3 seconds, and the database may take longer under load.

    Returns the id of the "thinking…" message the answer will replace, when Discord says it.
    """
    if interaction.response.is_done():
        return None
    callback = await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return callback.message_id if callback is not None else None


def require_server_manager(interaction: discord.Interaction) -> None:
    """Discord hides Manage Server commands from others, but an admin can override that: check again."""
    if not interaction.permissions.manage_guild:
        raise NotAllowed(
            Text(
                "settings.managers_only", "You need the Manage Server permission to change my settings here."
            )
        )
