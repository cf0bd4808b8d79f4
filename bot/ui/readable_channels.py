"""Which of a server's channels a member cannot read: the jobs others made there are not theirs to see.

Discord's own rule, as discord.py computes it from the member's roles and each channel's overwrites
(`permissions_for`, which gives the server's owner and Administrator everything, and Manage Server nothing
more): a channel is readable with View Channel and Read Message History. A thread is read as its parent
is (discord.py gives it its parent's permissions). A private thread "can only be viewed by those who were
invited or those with the MANAGE_THREADS permission" (https://discord.com/developers/docs/topics/threads#
private-threads). Who was invited the bot mostly does not know: without the GUILD_MEMBERS intent (it has
none) Discord tells it only of its own joins (https://discord.com/developers/docs/events/gateway-events#
thread-members-update). So a member reads a private thread here if they ask in it, started it, are a
member the bot heard of, or have Manage Threads in its channel; anyone else is judged not to.

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


def hidden_channels(
    guild: discord.Guild | None, member: discord.abc.User, here: object = None
) -> frozenset[int]:
    """The ids of `guild`'s channels and threads `member` (who asks in `here`) cannot read; none outside a
    server the bot is in."""
    if guild is None or not isinstance(member, discord.Member):
        return frozenset()
    places: list[discord.abc.GuildChannel | discord.Thread] = [
        channel for channel in guild.channels if not isinstance(channel, discord.CategoryChannel)
    ]
    places += guild.threads
    return frozenset(place.id for place in places if not _can_read(place, member, here))


def private_threads_sight(
    guild: discord.Guild | None, member: discord.abc.User, here: object = None
) -> tuple[frozenset[int], frozenset[int]]:
    """The private threads `member` (who asks in `here`) is known to read, and the channels where they have
    Manage Threads (every private thread there is theirs to read)."""
    if guild is None or not isinstance(member, discord.Member):
        return frozenset(), frozenset()
    read = {thread.id for thread in guild.threads if _is_private(thread) and _in_thread(thread, member, here)}
    if isinstance(here, discord.Thread) and _is_private(here):
        read.add(here.id)  # who asks in it reads it
    managed = {channel.id for channel in guild.channels if _manages_threads(channel, member)}
    return frozenset(read), frozenset(managed)


def _can_read(place: discord.abc.GuildChannel | discord.Thread, member: discord.Member, here: object) -> bool:
    try:
        permissions = place.permissions_for(member)
    except discord.ClientException:  # a thread whose parent channel is not cached: nothing says it is open
        return False
    if not (permissions.view_channel and permissions.read_message_history):
        return False
    if isinstance(place, discord.Thread) and _is_private(place):
        return permissions.manage_threads or _in_thread(place, member, here)
    return True


def _is_private(thread: discord.Thread) -> bool:
    return thread.type is discord.ChannelType.private_thread


def _in_thread(thread: discord.Thread, member: discord.Member, here: object) -> bool:
    """Known to be in the thread: they ask in it, started it, or the bot heard of their joining it."""
    return (
        thread.id == getattr(here, "id", None)
        or thread.owner_id == member.id
        or any(m.id == member.id for m in thread.members)
    )


def _manages_threads(channel: discord.abc.GuildChannel, member: discord.Member) -> bool:
    permissions = channel.permissions_for(member)
    return permissions.manage_threads and permissions.view_channel and permissions.read_message_history


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
        if _is_private(place) or place.parent is None:
            return False
        return place.parent_id in same_place or _open_to_all(place.parent, same_place)
    everyone = place.permissions_for(place.guild.default_role)
    if not (everyone.view_channel and everyone.read_message_history):
        return False
    denied = (overwrite.pair()[1] for overwrite in place.overwrites.values())
    return not any(deny.view_channel or deny.read_message_history for deny in denied)


def known_channels(guild: discord.Guild | None) -> frozenset[int] | None:
    """The ids of `guild`'s channels and threads the bot knows: a job made in none of them, nor in a thread
    of one, was made in a channel deleted since (discord.py forgets a deleted channel, and after a restart
    never learns of it). None outside a server the bot is in: nothing to judge by."""
    if guild is None:
        return None
    return frozenset(channel.id for channel in guild.channels) | {thread.id for thread in guild.threads}
