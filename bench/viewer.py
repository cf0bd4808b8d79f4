"""Benchmark: what building a viewer costs the event loop on a big server.

    python bench/viewer.py                    # 5,000 channels, 500 active threads, 50 roles
    python bench/viewer.py --channels 20000

Every browsing command (/history, /show, /rerun, /cancel) builds a viewer (bot.ui.requesters.
viewer_from_interaction) and every reaction or reply to a result a requester (requester_from_member), from
what discord.py caches of the server, in one walk over its channels: which channels the member cannot read,
which private threads they read, and (for what is posted for the channel: /show, a public /history) which
channels some reader of the asking channel cannot read. The guild is the Discord emulator's,
parsed by the real discord.py from its GUILD_CREATE (tests/discord_emulator/client_cache.py): channels
with role, member and @everyone overwrites, public and private threads. Prints one JSON line: the median
and p99 milliseconds of each call, for a member with a few roles and for a manager.
A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

# Run as a script, this file's folder comes first on sys.path, and bench/discord.py would shadow the discord
# package itself: take the folder off before anything else is imported.
import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import discord

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.ui.requesters import requester_from_member, viewer_from_interaction
from tests.discord_emulator.client_cache import cached_guild, slash_interaction
from tests.discord_emulator.models import (
    ADMINISTRATOR,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
    Channel,
    ChannelType,
    Guild,
    Member,
    Overwrite,
)
from tests.discord_emulator.world import World


def big_server(world: World, channels: int, threads: int, roles: int, rng: random.Random) -> Guild:
    guild = world.add_guild(None, "Big Server", None)
    all_roles = [world.add_role(guild, f"role {n}") for n in range(roles)]
    # The bot as big servers often invite it, with Administrator: it is told of every active thread.
    next(r for r in guild.roles.values() if r.managed).permissions |= ADMINISTRATOR
    kinds = [ChannelType.GUILD_FORUM if n % 25 == 0 else ChannelType.GUILD_TEXT for n in range(channels)]
    places = [world.add_channel(guild, f"c{n}", kind=kind) for n, kind in enumerate(kinds)]
    for place in places:
        if rng.random() < 0.2:  # a members-only channel: closed to @everyone, opened to a role or two
            place.overwrites.append(Overwrite(guild.id, 0, deny=VIEW_CHANNEL))
            for role in rng.sample(all_roles, 2):
                place.overwrites.append(Overwrite(role.id, 0, allow=VIEW_CHANNEL | READ_MESSAGE_HISTORY))
        elif rng.random() < 0.2:  # a read-only or muted corner for some role
            place.overwrites.append(Overwrite(rng.choice(all_roles).id, 0, deny=READ_MESSAGE_HISTORY))
    for n in range(threads):
        world.add_thread(rng.choice(places), f"t{n}", world.owner, private=n % 5 == 0)
    return guild


def timed(call: Callable[[], object], runs: int) -> dict[str, float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return {"median_ms": round(statistics.median(took), 2), "p99_ms": round(took[int(len(took) * 0.99)], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=500)
    parser.add_argument("--roles", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(5000)
    world = World()
    guild = big_server(world, args.channels, args.threads, args.roles, rng)
    member_roles = [r for r in guild.roles.values() if r.id != guild.id][: args.roles // 10]
    member = world.add_member(guild, None, "member", roles=member_roles)
    mods = world.add_role(guild, "mods", permissions=MANAGE_MESSAGES)
    manager = world.add_member(guild, None, "manager", roles=[mods, *member_roles])
    here = next(c for c in guild.channels.values() if c.type is ChannelType.GUILD_TEXT and not c.overwrites)
    cached = cached_guild(world, guild)
    figures: dict[str, object] = {
        "channels": args.channels,
        "threads": args.threads,
        "roles": args.roles,
        "runs": args.runs,
    }
    for name, who in (("member", member), ("manager", manager)):
        figures[name] = _figures(world, cached, here, who, args.runs)
    print(json.dumps(figures))


def _figures(world: World, cached: discord.Guild, here: Channel, who: Member, runs: int) -> dict[str, object]:
    interaction = slash_interaction(world, cached, here, who)
    # As a reaction's MESSAGE_REACTION_ADD carries them: the member (the bot caches none) and the channel.
    member, channel = interaction.user, interaction.channel
    assert isinstance(member, discord.Member)
    assert isinstance(channel, discord.TextChannel)
    return {
        "viewer_from_interaction": timed(lambda: viewer_from_interaction(interaction), runs),
        # /rerun, /cancel, a private /history and their autocompletes post nothing for the channel's readers.
        "viewer_not_posting": timed(lambda: viewer_from_interaction(interaction, posts=False), runs),
        "requester_from_member": timed(lambda: requester_from_member(member, channel, channel.id), runs),
    }


if __name__ == "__main__":
    main()
