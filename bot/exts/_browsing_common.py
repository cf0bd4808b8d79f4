"""What the browsing and management commands share: the guild, and who is asking."""

from __future__ import annotations

import discord

from bot.core.errors import NotAllowed, UserFacingError
from bot.core.jobs.policy import Requester


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise UserFacingError("This command works only inside a server.")
    return interaction.guild_id


def is_manager(interaction: discord.Interaction) -> bool:
    """Moderators: Manage Server or Manage Messages in this channel."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.manage_messages


def can_manage_server(interaction: discord.Interaction) -> bool:
    return interaction.permissions.manage_guild


def requester_of(interaction: discord.Interaction) -> Requester:
    """All the policy needs to know about the member who asked and the channel they asked in."""
    user = interaction.user
    roles = user.roles if isinstance(user, discord.Member) else []
    channel = interaction.channel
    nsfw = bool(channel is not None and hasattr(channel, "is_nsfw") and channel.is_nsfw())
    return Requester(
        user_id=user.id,
        channel_id=interaction.channel_id or 0,
        role_ids=frozenset(role.id for role in roles),
        channel_is_nsfw=nsfw,
        is_manager=is_manager(interaction),
    )


def require_server_manager(interaction: discord.Interaction) -> None:
    """Discord hides Manage Server commands from others, but an admin can override that: check again."""
    if not can_manage_server(interaction):
        raise NotAllowed("You need the Manage Server permission to change my settings here.")
