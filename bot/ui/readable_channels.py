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
