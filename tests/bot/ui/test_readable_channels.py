"""The one walk over a server's channels (bot.ui.readable_channels.channel_sight) against what Discord's
rules make of generated servers: roles with and without Administrator or Manage Threads, channels and
categories with @everyone, role and member overwrites, public and private threads, a thread whose channel
the bot forgot. The expected sets come from the emulator's own model of Discord's permissions
(tests/discord_emulator/models.py, `Guild.permissions_in`), the bot's from discord.py's cache of the same
server, parsed from the payloads Discord would send (tests/discord_emulator/client_cache.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import discord
import pytest

from bot.ui.readable_channels import ChannelSight, channel_sight
from tests.discord_emulator import payloads
from tests.discord_emulator.client_cache import cached_guild
from tests.discord_emulator.models import (
    ADMINISTRATOR,
    MANAGE_THREADS,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
    Channel,
    ChannelType,
    Guild,
    Member,
    Overwrite,
    Role,
    User,
)
from tests.discord_emulator.world import World

READING = VIEW_CHANNEL | READ_MESSAGE_HISTORY
CATEGORY = (
    4  # GUILD_CATEGORY (https://discord.com/developers/docs/resources/channel#channel-object-channel-types)
)
BITS = (VIEW_CHANNEL, READ_MESSAGE_HISTORY, MANAGE_THREADS, READING, READING | MANAGE_THREADS)


@dataclass
class Server:
    world: World
    guild: Guild
    categories: list[Channel]  # kept apart from the emulator's guild, which has no categories
    forgotten: Channel  # a text channel the bot heard deleted; a thread of it came after (no parent cached)
    cached: discord.Guild


def generated_server(seed: int) -> Server:
    rng = random.Random(seed)
    world = World()
    guild = world.add_guild(None, f"server {seed}", None)
    roles = [world.add_role(guild, f"role {n}", permissions=rng.choice((0, 0, 0, *BITS))) for n in range(6)]
    roles.append(world.add_role(guild, "admins", permissions=ADMINISTRATOR))
    if rng.random() < 0.3:  # a server whose @everyone reads nothing
        guild.everyone.permissions &= ~READING
    members = [
        world.add_member(guild, None, f"member {n}", roles=rng.sample(roles, rng.randint(0, 3)))
        for n in range(6)
    ]
    members.append(guild.members[guild.owner_id])
    channels = [
        world.add_channel(guild, f"c{n}", kind=rng.choice((ChannelType.GUILD_TEXT, ChannelType.GUILD_FORUM)))
        for n in range(12)
    ]
    categories = [
        Channel(world.snowflakes.next(), ChannelType.GUILD_TEXT, f"k{n}", guild.id) for n in range(3)
    ]
    targets = [(guild.id, 0), *((r.id, 0) for r in roles), *((m.id, 1) for m in members)]
    for place in channels + categories:
        for target_id, kind in rng.sample(targets, rng.randint(0, 3)):
            allow, deny = rng.choice((0, *BITS)), rng.choice((0, 0, *BITS))
            place.overwrites.append(Overwrite(target_id, kind, allow=allow & ~deny, deny=deny))
    for n in range(16):
        parent, starter = rng.choice(channels), rng.choice(members)
        thread = world.add_thread(parent, f"t{n}", starter.user, private=rng.random() < 0.5)
        if thread.type is ChannelType.PRIVATE_THREAD:
            thread.thread_members |= {m.id for m in rng.sample(members, 2)}
    forgotten = rng.choice([c for c in channels if c.type is ChannelType.GUILD_TEXT])
    left_behind = world.add_thread(forgotten, "left behind", members[0].user)
    # The bot as installed: Administrator on some servers; elsewhere Manage Threads, told of the private
    # threads in the channels it reads.
    bot_role(guild).permissions |= ADMINISTRATOR if seed % 2 else MANAGE_THREADS
    private_threads = [c.id for c in guild.channels.values() if c.type is ChannelType.PRIVATE_THREAD]
    cached = cached_guild(
        world, guild, heard_of=private_threads, extra_channels=[_category(c) for c in categories]
    )
    # Deleted (discord.py forgets its threads with it), and then told of a thread of it, late.
    cached._state.parse_channel_delete({**payloads.channel(forgotten), "guild_id": str(guild.id)})
    cached._state.parse_thread_create({**payloads.thread(left_behind), "newly_created": False})
    assert cached.get_thread(left_behind.id) is not None, "a thread whose channel is not cached"
    return Server(world, guild, categories, forgotten, cached)


def bot_role(guild: Guild) -> Role:
    return next(r for r in guild.roles.values() if r.managed)


def _category(place: Channel) -> dict[str, Any]:
    data = payloads.channel(place)
    data.pop("guild_id")
    return {**data, "type": CATEGORY}


def expected_sight(server: Server, member: Member, here: Channel | None) -> ChannelSight:
    """Discord's rules on the emulator's model of the server, over what the bot knows of it."""
    guild = server.guild
    channels = [c for c in guild.channels.values() if not c.is_thread and c.id != server.forgotten.id]
    threads = [c for c in guild.channels.values() if c.is_thread and c.id in _cached_threads(server)]
    orphans = {t.id for t in threads if t.parent_id == server.forgotten.id}

    def reads(place: Channel) -> bool:
        return (guild.permissions_in(place, member) & READING) == READING

    def manages(place: Channel) -> bool:
        return reads(place) and bool(guild.permissions_in(place, member) & MANAGE_THREADS)

    private = [t for t in threads if t.type is ChannelType.PRIVATE_THREAD]
    threads_read = {t.id for t in private if member.id in t.thread_members}
    if here is not None and here.type is ChannelType.PRIVATE_THREAD:
        threads_read.add(here.id)
    same_place = set() if here is None else {here.id}
    if here is not None and here.type is ChannelType.PUBLIC_THREAD:
        same_place.add(here.parent_id or 0)
    open_to_all = {c.id for c in channels if _open_to_all(guild, c)}
    thread_open = {
        t.id
        for t in threads
        if t.type is ChannelType.PUBLIC_THREAD
        and t.id not in orphans
        and (t.parent_id in same_place or t.parent_id in open_to_all)
    }
    return ChannelSight(
        hidden=frozenset(
            {c.id for c in channels if not reads(c)} | {t.id for t in threads if not reads(t)} | orphans
        ),
        private_threads_read=frozenset(threads_read),
        threads_managed_in=frozenset(c.id for c in channels + server.categories if manages(c)),
        known=frozenset(c.id for c in channels + threads + server.categories),
        hidden_from_readers=frozenset(
            {c.id for c in channels if c.id not in open_to_all | same_place}
            | {t.id for t in threads if t.id not in thread_open | same_place}
        ),
    )


def _open_to_all(guild: Guild, place: Channel) -> bool:
    """@everyone reads it, and no overwrite denies reading to anyone."""
    nobody = Member(User(0, "nobody"), guild.id)  # @everyone's permissions and overwrite alone
    everyone_reads = (guild.permissions_in(place, nobody) & READING) == READING
    return everyone_reads and not any(o.deny & READING for o in place.overwrites)


def _cached_threads(server: Server) -> set[int]:
    return {thread.id for thread in server.cached.threads}


def places_to_ask_in(server: Server, member: Member) -> list[Channel | None]:
    """Where a member can ask: nowhere in particular (a reaction in an uncached place), or a few channels
    and threads they read (Discord offers no command elsewhere)."""
    cached = _cached_threads(server)
    readable = [
        c
        for c in server.guild.channels.values()
        if c.id != server.forgotten.id
        and (not c.is_thread or (c.id in cached and c.parent_id != server.forgotten.id))
        and (server.guild.permissions_in(c, member) & READING) == READING
    ]
    channels, threads = [c for c in readable if not c.is_thread], [c for c in readable if c.is_thread]
    return [None, *channels[:4], *threads[:4]]


def as_cached(server: Server, member: Member, here: Channel | None) -> tuple[discord.Member, object]:
    """The member as an interaction or a reaction brings them, and the place as discord.py has it."""
    data = payloads.member(member)
    cached_member = discord.Member(data=data, guild=server.cached, state=server.cached._state)  # type: ignore[arg-type]
    place = None if here is None else server.cached.get_channel_or_thread(here.id)
    return cached_member, place


@pytest.mark.parametrize("seed", range(40))
def test_one_walk_finds_what_discords_rules_give_every_member_in_every_place(seed: int) -> None:
    server = generated_server(seed)
    for member in server.guild.members.values():
        for here in places_to_ask_in(server, member):
            cached_member, place = as_cached(server, member, here)

            sight = channel_sight(server.cached, cached_member, place)

            assert sight == expected_sight(server, member, here), (member.user.username, here)


def test_without_the_readers_nothing_else_changes() -> None:
    server = generated_server(7)
    member = next(m for m in server.guild.members.values() if m.user.username == "member 1")
    here = places_to_ask_in(server, member)[1]
    cached_member, place = as_cached(server, member, here)

    with_readers = channel_sight(server.cached, cached_member, place)
    without = channel_sight(server.cached, cached_member, place, of_readers=False)

    assert with_readers.hidden_from_readers, "the generated server has channels closed to someone"
    assert without == ChannelSight(
        hidden=with_readers.hidden,
        private_threads_read=with_readers.private_threads_read,
        threads_managed_in=with_readers.threads_managed_in,
        known=with_readers.known,
    )


def test_outside_a_cached_server_nothing_is_hidden_and_nothing_known() -> None:
    server = generated_server(3)
    member, _ = as_cached(server, server.guild.members[server.guild.owner_id], None)

    assert channel_sight(None, member) == ChannelSight(known=None)
