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

All of it comes from one walk over the server's channels and threads, each channel's permissions computed
once: a big server has thousands, and this runs on the event loop for every browsing command and every
reaction or reply to a result.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

# View Channel and Read Message History: what reading a channel takes.
_READING = discord.Permissions(view_channel=True, read_message_history=True).value


@dataclass(frozen=True, slots=True)
class ChannelSight:
    """What a server's channels are to a member asking in a place (core.jobs.policy.Requester's fields of
    the same meaning); outside a server the bot is in, nothing is hidden and nothing is known."""

    hidden: frozenset[int] = frozenset()  # the channels and threads the member cannot read
    private_threads_read: frozenset[int] = frozenset()  # the private threads they are known to read
    threads_managed_in: frozenset[int] = frozenset()  # the channels where they have Manage Threads
    known: frozenset[int] | None = None  # every channel and thread the bot knows (None: not judged)
    hidden_from_readers: frozenset[int] = frozenset()  # those some reader of the place may not read


def channel_sight(
    guild: discord.Guild | None, member: discord.abc.User, here: object = None, *, of_readers: bool = True
) -> ChannelSight:
    """What `guild`'s channels are to `member`, who asks in `here`; with `of_readers`, also to every member
    who reads `here` (what the bot posts there is for them all)."""
    if guild is None:
        return ChannelSight()
    asker = _MemberSight(member, here) if isinstance(member, discord.Member) else None
    readers = _ReadersSight(here) if of_readers else None
    known: set[int] = set()
    for channel in guild.channels:
        known.add(channel.id)
        if asker is not None:
            asker.see_channel(channel)
        if readers is not None:
            readers.see_channel(channel)
    for thread in guild.threads:
        known.add(thread.id)
        if asker is not None:
            asker.see_thread(thread)
        if readers is not None:
            readers.see_thread(thread)
    return ChannelSight(
        hidden=frozenset(asker.hidden) if asker else frozenset(),
        private_threads_read=frozenset(asker.threads_read) if asker else frozenset(),
        threads_managed_in=frozenset(asker.managed_in) if asker else frozenset(),
        known=frozenset(known),
        hidden_from_readers=frozenset(readers.hidden) if readers else frozenset(),
    )


class _MemberSight:
    """The asking member's side of the walk: each channel's permissions computed once, and a thread read
    by its parent's (discord.py's own rule for a thread: its parent's permissions, all denied where the
    parent cannot be read, which leaves reading and Manage Threads as the parent has them)."""

    def __init__(self, member: discord.Member, here: object) -> None:
        self._member, self._here = member, here
        self._reads: dict[int, bool] = {}
        self.hidden: set[int] = set()
        self.threads_read: set[int] = set()
        self.managed_in: set[int] = set()
        if isinstance(here, discord.Thread) and _is_private(here):
            self.threads_read.add(here.id)  # who asks in it reads it

    def see_channel(self, channel: discord.abc.GuildChannel) -> None:
        permissions = channel.permissions_for(self._member)
        reads = (permissions.value & _READING) == _READING
        self._reads[channel.id] = reads
        if reads and permissions.manage_threads:
            self.managed_in.add(channel.id)
        if not reads and not isinstance(channel, discord.CategoryChannel):
            self.hidden.add(channel.id)

    def see_thread(self, thread: discord.Thread) -> None:
        # A thread whose parent channel is not cached: nothing says it is open.
        readable = self._reads.get(thread.parent_id, False)
        if _is_private(thread):
            member_of = _in_thread(thread, self._member, self._here)
            if member_of:
                self.threads_read.add(thread.id)
            readable = readable and (thread.parent_id in self.managed_in or member_of)
        if not readable:
            self.hidden.add(thread.id)


class _ReadersSight:
    """The side of the walk for everyone who reads `here`: what is not open to them all."""

    def __init__(self, here: object) -> None:
        self._same_place = {getattr(here, "id", None)}
        if isinstance(here, discord.Thread) and not _is_private(here):
            self._same_place.add(here.parent_id)  # a public thread is read by whoever reads its channel
        self._open: dict[int, bool] = {}
        self.hidden: set[int] = set()

    def see_channel(self, channel: discord.abc.GuildChannel) -> None:
        is_open = self._open[channel.id] = _open_to_all(channel)
        if not (is_open or channel.id in self._same_place or isinstance(channel, discord.CategoryChannel)):
            self.hidden.add(channel.id)

    def see_thread(self, thread: discord.Thread) -> None:
        """Readable by all: a public thread of a channel (cached) open to all or in the same place."""
        in_open_channel = not _is_private(thread) and (
            thread.parent_id in self._open
            and (thread.parent_id in self._same_place or self._open[thread.parent_id])
        )
        if not (in_open_channel or thread.id in self._same_place):
            self.hidden.add(thread.id)


def _open_to_all(channel: discord.abc.GuildChannel) -> bool:
    """@everyone may read it, and no overwrite denies reading to any role or member."""
    everyone = channel.permissions_for(channel.guild.default_role)
    if (everyone.value & _READING) != _READING:
        return False
    # The raw overwrites: `channel.overwrites` would build a PermissionOverwrite of every flag and look up
    # every target for each, most of the walk's time on a big server, to read two bits.
    return not any(overwrite.deny & _READING for overwrite in channel._overwrites)


def _is_private(thread: discord.Thread) -> bool:
    return thread.type is discord.ChannelType.private_thread


def _in_thread(thread: discord.Thread, member: discord.Member, here: object) -> bool:
    """Known to be in the thread: they ask in it, started it, or the bot heard of their joining it."""
    return (
        thread.id == getattr(here, "id", None)
        or thread.owner_id == member.id
        or any(m.id == member.id for m in thread.members)
    )
