"""What a connected discord.py holds of an emulated guild, without a connection: the real discord.py parses
the GUILD_CREATE (with every member) and THREAD_MEMBERS_UPDATE payloads the gateway would send into its
cache, for tests and benchmarks of what the bot reads there (no sockets, no login).

THREAD_MEMBERS_UPDATE about others reaches only bots with the GUILD_MEMBERS intent
(https://discord.com/developers/docs/events/gateway-events#thread-members-update): `heard_of` says which
private threads' members the bot is told of, as if it had that intent for them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import discord

from . import payloads
from .models import Channel, ChannelType, Guild, Member, iso, utcnow
from .world import World


def cached_guild(
    world: World,
    guild: Guild,
    *,
    heard_of: Collection[int] = (),
    extra_channels: Collection[dict[str, Any]] = (),
) -> discord.Guild:
    """`guild` as discord.py caches it; `extra_channels`: raw channel objects the emulator does not model
    (a category, a voice channel), added to GUILD_CREATE's `channels`."""
    state = discord.Client(intents=discord.Intents(guilds=True))._connection
    state.user = discord.ClientUser(state=state, data=payloads.user(world.bot_user))  # type: ignore[arg-type]  # READY's
    data = payloads.guild_create(guild, all_members=True, bot_id=world.bot_user.id)
    data["channels"] += list(extra_channels)
    cached = state._add_guild_from_data(data)  # type: ignore[arg-type]  # a GUILD_CREATE payload, as Discord's
    for thread in guild.channels.values():
        if thread.type is ChannelType.PRIVATE_THREAD and thread.id in heard_of:
            state.parse_thread_members_update(_thread_members(guild, thread))  # type: ignore[arg-type]
    return cached


def _thread_members(guild: Guild, thread: Channel) -> dict[str, Any]:
    """THREAD_MEMBERS_UPDATE adding every member of `thread`."""
    return {
        "id": str(thread.id),
        "guild_id": str(guild.id),
        "member_count": len(thread.thread_members),
        "added_members": [
            {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(utcnow()), "flags": 0}
            for user_id in sorted(thread.thread_members)
        ],
    }


def slash_interaction(
    world: World, cached: discord.Guild, place: Channel, who: Member
) -> discord.Interaction:
    """An APPLICATION_COMMAND interaction from `who` in `place` of the server the app is installed in, as
    discord.py parses it from INTERACTION_CREATE (its `member.permissions`: who's in `place`)."""
    guild = world.guilds[cached.id]
    data: dict[str, Any] = {
        "id": str(world.snowflakes.next()),
        "application_id": str(world.application_id),
        "type": 2,
        "token": "emulated",
        "version": 1,
        "data": {"id": str(world.snowflakes.next()), "name": "history", "type": 1},
        "channel_id": str(place.id),
        "channel": payloads.channel(place),
        "locale": who.user.locale,
        "entitlements": [],
        "attachment_size_limit": world.upload_limit,
        "app_permissions": "0",
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
        "guild_locale": guild.preferred_locale,
        "member": payloads.member(who, permissions=guild.permissions_in(place, who)),
    }
    return discord.Interaction(data=data, state=cached._state)  # type: ignore[arg-type]  # Discord's shape
