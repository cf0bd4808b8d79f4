"""Who is asking, in the core's terms: a Requester built from a Discord member and channel."""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.ui.readable_channels import ChannelSight, channel_sight
from core.jobs.policy import Requester
from core.jobs.scopes import is_personal, personal_scope


def guild_id_of(interaction: discord.Interaction) -> int:
    """The scope the request's jobs are kept under (core.jobs.scopes): the server's id when the app is
    installed in that server, otherwise the personal scope of the person who interacts.

    Discord says where the app is installed in `authorizing_integration_owners`: its GUILD_INSTALL key holds
    the server's id only when the app is installed in the server the interaction comes from
    (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-authorizing-
    integration-owners-object), which discord.py's `is_guild_integration()` compares. Anywhere else (a DM,
    a group DM, a server without the app) no server's rules apply. A button on someone's personal result,
    pressed by someone else, is in the presser's own scope: it finds nothing of the requester's.
    """
    guild_id = interaction.guild_id
    if guild_id is not None and interaction.is_guild_integration():
        return guild_id
    return personal_scope(interaction.user.id)


def is_manager(permissions: discord.Permissions) -> bool:
    """Manage Server or Manage Messages: may cancel, delete or regenerate anyone's jobs."""
    return permissions.manage_guild or permissions.manage_messages or permissions.administrator


def requester_from_interaction(interaction: discord.Interaction) -> Requester:
    """Who asks; in a personal scope nobody manages anybody (a server's admin is no one's moderator in
    their own DMs or in a server without the app)."""
    user = interaction.user
    role_ids = frozenset(role.id for role in user.roles) if isinstance(user, discord.Member) else frozenset()
    parent_id, in_private_thread, nsfw = _place(interaction.channel)
    return Requester(
        user_id=user.id,
        channel_id=interaction.channel_id or 0,
        role_ids=role_ids,
        parent_channel_id=parent_id,
        in_private_thread=in_private_thread,
        channel_is_nsfw=nsfw,
        is_manager=is_manager(interaction.permissions) and not is_personal(guild_id_of(interaction)),
        locale=interaction.locale.value,
    )


def viewer_from_interaction(interaction: discord.Interaction, *, posts: bool = True) -> Requester:
    """Who asks to look at jobs (/history, /show, /rerun, /cancel): the requester, with the server's channels
    they cannot read, whose other members' jobs are not shown to them, and (unless the command `posts`
    nothing for the channel to read) those some reader of the channel cannot, whose jobs are not posted
    there (core.jobs.visibility). A personal scope is the person's own: nothing in it is hidden from them."""
    requester = requester_from_interaction(interaction)
    if is_personal(guild_id_of(interaction)):
        return requester
    sight = channel_sight(interaction.guild, interaction.user, interaction.channel, of_readers=posts)
    return _seeing(requester, sight)


def requester_from_member(
    member: discord.Member, channel: discord.abc.GuildChannel | discord.Thread | None, channel_id: int
) -> Requester:
    """A member who reacts to or replies to a result: its job is found as a viewer would find it."""
    permissions = channel.permissions_for(member) if channel is not None else member.guild_permissions
    parent_id, in_private_thread, nsfw = _place(channel)
    requester = Requester(
        user_id=member.id,
        channel_id=channel_id,
        role_ids=frozenset(role.id for role in member.roles),
        parent_channel_id=parent_id,
        in_private_thread=in_private_thread,
        channel_is_nsfw=nsfw,
        is_manager=is_manager(permissions),
        # A reaction carries no client locale: the server decides (bot.locales.job_locale).
        locale=None,
    )
    # Nothing is posted for the channel's readers on a reaction's behalf: only what the member may see.
    return _seeing(requester, channel_sight(member.guild, member, channel, of_readers=False))


def _seeing(requester: Requester, sight: ChannelSight) -> Requester:
    return replace(
        requester,
        hidden_channel_ids=sight.hidden,
        private_threads_read=sight.private_threads_read,
        threads_managed_in=sight.threads_managed_in,
        known_channel_ids=sight.known,
        hidden_from_channel_readers=sight.hidden_from_readers,
    )


def _place(channel: object) -> tuple[int | None, bool, bool]:
    """A thread's parent channel (the server's channel rules are its: a thread of an allowed channel is
    allowed too), whether it is a private thread (read by fewer than its channel: core.jobs.visibility),
    and whether the place is age-restricted (a thread has no flag of its own: its parent's)."""
    if isinstance(channel, discord.Thread):
        private = channel.type is discord.ChannelType.private_thread
        return channel.parent_id, private, channel.is_nsfw()
    return None, False, bool(getattr(channel, "nsfw", False))
