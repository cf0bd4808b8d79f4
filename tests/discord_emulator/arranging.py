"""The emulator's part that builds the world a test needs: guilds, channels, roles, members, installs."""

from __future__ import annotations

from . import payloads
from .gateway import Gateway
from .models import Channel, ChannelType, Guild, Member, Overwrite, Role, User
from .shards import id_on_shard
from .world import World

GUILDS = 1 << 0


class Arranging:
    """Mixed into DiscordEmulator, which sets these up."""

    world: World
    gateway: Gateway

    def add_guild(
        self,
        guild_id: int | None = None,
        name: str = "Test Guild",
        owner_id: int | None = None,
        with_bot: bool = True,
    ) -> Guild:
        """Call before the bot connects (GUILD_CREATE is sent after READY), or call guild_create() after.

        with_bot=False: a server the app is not installed in (no bot member, no gateway events); only a
        member's own install (install_for_user) reaches the bot from there."""
        return self.world.add_guild(guild_id, name, owner_id, with_bot=with_bot)

    def add_guild_on_shard(self, shard_id: int, num_shards: int, name: str = "Test Guild") -> Guild:
        """A guild whose events go to shard `shard_id` of `num_shards` ((guild_id >> 22) % num_shards)."""
        return self.add_guild(id_on_shard(self.world.snowflakes.next(), shard_id, num_shards), name)

    def install_for_user(self, who: Member | User) -> User:
        """The person adds the app to their account (a user install): its commands follow them."""
        user = who.user if isinstance(who, Member) else who
        self.world.user_installs.add(user.id)
        return user

    def add_user(self, name: str = "user", accepts_dms: bool = True) -> User:
        """Someone in no guild of the bot's."""
        user = self.world.add_user(None, name)
        user.accepts_dms = accepts_dms
        return user

    def add_group_dm(self, owner: Member | User, *others: Member | User) -> Channel:
        """A group DM of people (never the bot): the PRIVATE_CHANNEL interaction context."""
        people = [w.user if isinstance(w, Member) else w for w in (owner, *others)]
        return self.world.add_group_dm(people[0], people[1:])

    def add_channel(
        self, guild: Guild, name: str = "general", nsfw: bool = False, topic: str | None = None
    ) -> Channel:
        return self.world.add_channel(guild, name, nsfw=nsfw, topic=topic)

    def add_forum(self, guild: Guild, name: str = "forum", nsfw: bool = False) -> Channel:
        """A forum channel: people post in it with add_thread (each post a thread); it takes no message."""
        return self.world.add_channel(guild, name, nsfw=nsfw, kind=ChannelType.GUILD_FORUM)

    def add_thread(
        self, parent: Channel, starter: Member | User, name: str = "thread", *, private: bool = False
    ) -> Channel:
        """A public thread started in ``parent`` (a post, in a forum): its permissions and age restriction
        are the parent's. A private one "can only be viewed by those who were invited or those with the
        MANAGE_THREADS permission" (https://discord.com/developers/docs/topics/threads#private-threads):
        its starter, and whoever add_thread_member invites."""
        user = starter.user if isinstance(starter, Member) else starter
        return self.world.add_thread(parent, name, user, private=private)

    def add_thread_member(self, thread: Channel, member: Member) -> None:
        """Invites `member` to a private thread. Discord sends THREAD_MEMBERS_UPDATE about others only to
        bots with the GUILD_MEMBERS intent (https://discord.com/developers/docs/events/gateway-events#thread-
        members-update): none is sent here, so a bot without it does not hear of it."""
        assert thread.type is ChannelType.PRIVATE_THREAD, "only a private thread has invited members"
        thread.thread_members.add(member.id)

    async def archive_thread(self, thread: Channel) -> None:
        """The thread is archived (by hand or after its auto-archive duration): THREAD_UPDATE tells the bot,
        whose discord.py then forgets it, and GUILD_CREATE lists only active threads
        (https://discord.com/developers/docs/topics/threads#archiving-unarchiving). A message posted there
        unarchives it, as on Discord."""
        assert thread.is_thread, "only a thread is archived"
        thread.archived = True
        if self.gateway.sessions and self.world.bot_can_see(thread):
            await self.gateway.dispatch("THREAD_UPDATE", payloads.thread(thread), intent=GUILDS)

    async def delete_channel(self, channel: Channel) -> None:
        """The channel is deleted, its threads with it: CHANNEL_DELETE tells the bot ("Sent when a channel
        relevant to the current user is deleted", https://discord.com/developers/docs/events/gateway-events#
        channel-delete), whose discord.py then forgets it. A REST call to it or its threads after that is
        404, JSON code 10003 "Unknown channel" (https://discord.com/developers/docs/topics/
        opcodes-and-status-codes#json-json-error-codes)."""
        assert channel.guild_id is not None, "a server's channel is deleted"
        assert not channel.is_thread, "a channel, not a thread"
        guild = self.world.guilds[channel.guild_id]
        for gone in [c for c in guild.channels.values() if channel.id in (c.id, c.parent_id)]:
            del guild.channels[gone.id]
            self.world.channels.pop(gone.id, None)
        if self.gateway.sessions and self.world.bot_can_see(channel):
            await self.gateway.dispatch("CHANNEL_DELETE", payloads.channel(channel), intent=GUILDS)

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        return self.world.add_role(guild, name, permissions=permissions)

    def add_member(
        self,
        guild: Guild,
        user_id: int | None = None,
        name: str = "member",
        permissions: int = 0,
        roles: list[Role] | None = None,
        accepts_dms: bool = True,
    ) -> Member:
        return self.world.add_member(
            guild, user_id, name, permissions=permissions, roles=roles, accepts_dms=accepts_dms
        )

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.world.bot_user.id]

    async def set_channel_permissions(
        self, channel: Channel, target: Member | Role, allow: int = 0, deny: int = 0
    ) -> None:
        """Sets a permission overwrite (e.g. deny the bot ATTACH_FILES); sends CHANNEL_UPDATE if connected.

        Permission bits are discord.Permissions values, e.g. discord.Permissions(attach_files=True).value.
        """
        kind = 1 if isinstance(target, Member) else 0
        channel.overwrites = [o for o in channel.overwrites if (o.type, o.id) != (kind, target.id)]
        channel.overwrites.append(Overwrite(target.id, kind, allow, deny))
        if self.gateway.sessions and self.world.bot_can_see(channel):
            await self.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(channel), intent=GUILDS)

    def dm_channel(self, who: Member | User) -> Channel:
        """The DM channel between the bot and this user (what POST /users/@me/channels returns)."""
        return self.world.dm_channel_with(who.user if isinstance(who, Member) else who)

    async def guild_create(self, guild: Guild) -> None:
        """Sends GUILD_CREATE for a guild added while the bot is connected (the bot "joins" it)."""
        await self.gateway.send_guild_create(guild)

    @property
    def upload_limit(self) -> int:
        """Bytes per request before a 413 (code 40005); also sent as interactions' attachment_size_limit."""
        return self.world.upload_limit

    @upload_limit.setter
    def upload_limit(self, value: int) -> None:
        self.world.upload_limit = value
