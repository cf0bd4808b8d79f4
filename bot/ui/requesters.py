"""Who is asking, in the core's terms: a Requester built from a Discord member and channel."""

from __future__ import annotations

import discord

from core.errors import UserFacingError
from core.jobs.policy import Requester


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server the interaction came from; the bot works in servers only (a DM gets a sentence)."""
    if interaction.guild_id is None:
        raise UserFacingError("I work only inside a server.")
    return interaction.guild_id


def is_manager(permissions: discord.Permissions) -> bool:
    """Manage Server or Manage Messages: may cancel, delete or regenerate anyone's jobs."""
    return permissions.manage_guild or permissions.manage_messages or permissions.administrator


def requester_from_interaction(interaction: discord.Interaction) -> Requester:
    user = interaction.user
    role_ids = frozenset(role.id for role in user.roles) if isinstance(user, discord.Member) else frozenset()
    channel = interaction.channel
    nsfw = bool(getattr(channel, "nsfw", False))
    return Requester(
        user_id=user.id,
        channel_id=interaction.channel_id or 0,
        role_ids=role_ids,
        channel_is_nsfw=nsfw,
        is_manager=is_manager(interaction.permissions),
    )


def requester_from_member(
    member: discord.Member, channel: discord.abc.GuildChannel | discord.Thread | None, channel_id: int
) -> Requester:
    permissions = channel.permissions_for(member) if channel is not None else member.guild_permissions
    return Requester(
        user_id=member.id,
        channel_id=channel_id,
        role_ids=frozenset(role.id for role in member.roles),
        channel_is_nsfw=bool(getattr(channel, "nsfw", False)),
        is_manager=is_manager(permissions),
    )
