"""Which of a server's channels a member cannot read: the jobs others made there are not theirs to see.

Discord's own rule, as discord.py computes it from the member's roles and each channel's overwrites
(`permissions_for`, which gives the server's owner and Administrator everything, and Manage Server nothing
more): a channel is readable with View Channel and Read Message History. A thread is read as its parent
is (discord.py gives it its parent's permissions); who belongs to a private thread is not known here, so it
is judged like its parent too.

Only what the bot's cache holds is listed: a channel deleted since, or a thread archived (discord.py forgets
archived threads, and learns only active ones at its start), is in no list. A job made in a thread keeps
the channel the thread is in, which core.jobs.visibility judges too, so a forgotten thread's jobs stay
hidden where its channel is.

What the bot posts for a channel to read (a public /history, /show) is read by everyone who reads that
channel, whom the bot cannot list (it does not keep every member). So it shows there only jobs made where
every one of them can read: that channel itself and its public threads (a public thread's, its channel
too), and the channels open to the whole server, which @everyone may read and no role's or member's
overwrite closes to anyone.
"""

from __future__ import annotations

import discord


def hidden_channels(guild: discord.Guild | None, member: discord.abc.User) -> frozenset[int]:
    """The ids of `guild`'s channels and threads `member` cannot read; none outside a server the bot is in."""
    if guild is None or not isinstance(member, discord.Member):
        return frozenset()
    places: list[discord.abc.GuildChannel | discord.Thread] = [
        channel for channel in guild.channels if not isinstance(channel, discord.CategoryChannel)
    ]
    places += guild.threads
    return frozenset(place.id for place in places if not _can_read(place, member))


def _can_read(place: discord.abc.GuildChannel | discord.Thread, member: discord.Member) -> bool:
    try:
        permissions = place.permissions_for(member)
    except discord.ClientException:  # a thread whose parent channel is not cached: nothing says it is open
        return False
    return permissions.view_channel and permissions.read_message_history


def hidden_from_readers_of(guild: discord.Guild | None, here: object) -> frozenset[int]:
    """The ids of `guild`'s channels and threads that some member who reads `here` (the channel a post goes
    to) may not read: all but `here`, its public threads and the channels open to every member."""
    if guild is None:
        return frozenset()
    same_place = {getattr(here, "id", None)}
    if isinstance(here, discord.Thread) and here.type is not discord.ChannelType.private_thread:
        same_place.add(here.parent_id)  # a public thread is read by whoever reads its channel
    places: list[discord.abc.GuildChannel | discord.Thread] = [
        channel for channel in guild.channels if not isinstance(channel, discord.CategoryChannel)
    ]
    places += guild.threads
    return frozenset(
        place.id for place in places if place.id not in same_place and not _open_to_all(place, same_place)
    )


def _open_to_all(place: discord.abc.GuildChannel | discord.Thread, same_place: set[int | None]) -> bool:
    """Readable by every member of the server (a thread: public, in such a channel or in `same_place`)."""
    if isinstance(place, discord.Thread):
        if place.type is discord.ChannelType.private_thread or place.parent is None:
            return False
        return place.parent_id in same_place or _open_to_all(place.parent, same_place)
    everyone = place.permissions_for(place.guild.default_role)
    if not (everyone.view_channel and everyone.read_message_history):
        return False
    denied = (overwrite.pair()[1] for overwrite in place.overwrites.values())
    return not any(deny.view_channel or deny.read_message_history for deny in denied)
