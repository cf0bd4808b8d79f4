"""Everything the emulated Discord knows: the bot, guilds, channels, members, messages, interactions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from .interaction_models import ApplicationCommand, Interaction, TokenState
from .models import (
    DEFAULT_EVERYONE_PERMISSIONS,
    GUILD_INSTALL,
    USER_INSTALL,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    MessageRevision,
    Role,
    User,
    utcnow,
)
from .rest.command_names import localized
from .snowflakes import SnowflakeGenerator

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
INTERACTION_TOKEN_LIFETIME = dt.timedelta(minutes=15)


class World:
    def __init__(self) -> None:
        self.snowflakes = SnowflakeGenerator()
        self.bot_user = User(id=self.snowflakes.next(), username="emulated-bot", bot=True)
        self.application_id = self.bot_user.id  # like real bots created after 2018
        self.application_flags = 0
        # The installation contexts the app supports (its Installation page): a command's
        # integration_types must be among them. Users who installed the app to their account.
        self.installation_contexts = {GUILD_INSTALL, USER_INSTALL}
        self.user_installs: set[int] = set()
        self.owner = User(id=self.snowflakes.next(), username="bot-owner")
        self.token = f"emulator.{secrets.token_urlsafe(24)}"
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, list[Message]] = {}
        self._messages_by_id: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self._interactions_by_token: dict[str, Interaction] = {}
        self.global_commands: dict[str, ApplicationCommand] = {}
        self.guild_commands: dict[int, dict[str, ApplicationCommand]] = {}
        self.cdn: dict[int, Attachment] = {}
        self.upload_limit = DEFAULT_UPLOAD_LIMIT
        self.clock_offset = dt.timedelta()
        # What a webhook call on a token older than 15 minutes gets (Discord has answered both ways).
        self.expired_token_state = TokenState.INVALID_TOKEN
        self.cdn_base = ""  # set once the server has a port

    # clock ---------------------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return utcnow() + self.clock_offset

    # people and places ---------------------------------------------------------------------------------
    def add_user(self, user_id: int | None, name: str, *, bot: bool = False) -> User:
        user = self.users.get(user_id) if user_id is not None else None
        if user is None:
            user = User(id=user_id or self.snowflakes.next(), username=name, bot=bot)
            self.users[user.id] = user
        return user

    def add_guild(
        self, guild_id: int | None, name: str, owner_id: int | None, *, with_bot: bool = True
    ) -> Guild:
        gid = guild_id or self.snowflakes.next()
        owner = owner_id or self.owner.id
        guild = Guild(id=gid, name=name, owner_id=owner)
        guild.roles[gid] = Role(
            id=gid, guild_id=gid, name="@everyone", permissions=DEFAULT_EVERYONE_PERMISSIONS
        )
        self.guilds[gid] = guild
        if with_bot:
            bot_role = self.add_role(
                guild, "emulated-bot", permissions=DEFAULT_EVERYONE_PERMISSIONS, managed=True
            )
            guild.members[self.bot_user.id] = Member(self.bot_user, gid, roles=[bot_role.id])
        if owner in self.users and owner not in guild.members:
            guild.members[owner] = Member(self.users[owner], gid)
        return guild

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0, managed: bool = False) -> Role:
        role = Role(
            self.snowflakes.next(), guild.id, name, permissions, position=len(guild.roles), managed=managed
        )
        guild.roles[role.id] = role
        return role

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        nsfw: bool = False,
        topic: str | None = None,
        kind: ChannelType = ChannelType.GUILD_TEXT,
    ) -> Channel:
        channel = Channel(self.snowflakes.next(), kind, name, guild.id, nsfw, len(guild.channels), topic)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def add_thread(self, parent: Channel, name: str, owner: User, *, private: bool = False) -> Channel:
        """A thread in a guild's text channel (GUILD_CREATE lists it among the guild's threads); a private
        one has its starter as its one member."""
        assert parent.guild_id is not None, "a thread starts in a guild's channel"
        assert not parent.is_thread, "a thread starts in a channel, not in another thread"
        guild = self.guilds[parent.guild_id]
        channel = Channel(
            self.snowflakes.next(),
            ChannelType.PRIVATE_THREAD if private else ChannelType.PUBLIC_THREAD,
            name,
            guild.id,
            parent_id=parent.id,
            owner_id=owner.id,
            thread_members={owner.id} if private else set(),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def add_member(
        self,
        guild: Guild,
        user_id: int | None,
        name: str,
        *,
        permissions: int = 0,
        roles: list[Role] | None = None,
        accepts_dms: bool = True,
    ) -> Member:
        user = self.add_user(user_id, name)
        user.accepts_dms = accepts_dms
        member = Member(user, guild.id, roles=[r.id for r in roles or []], permissions=permissions)
        guild.members[user.id] = member
        return member

    def has_bot(self, guild_id: int | None) -> bool:
        """The bot is a member of this guild (installed with the bot scope): it gets its gateway events."""
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        return guild is not None and self.bot_user.id in guild.members

    def bot_guilds(self) -> list[Guild]:
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

    def shares_guild_with_bot(self, user: User) -> bool:
        return any(user.id in g.members for g in self.bot_guilds())

    def bot_can_see(self, channel: Channel) -> bool:
        """Whether the bot is in the place at all: its guild, or its own DM (never a group DM of others)."""
        if channel.guild_id is not None:
            return self.has_bot(channel.guild_id)
        return channel.type is ChannelType.DM

    def add_group_dm(self, owner: User, others: list[User]) -> Channel:
        channel = Channel(self.snowflakes.next(), ChannelType.GROUP_DM, recipients=[owner, *others])
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def dm_channel_with(self, user: User) -> Channel:
        for channel in self.channels.values():
            if channel.type is ChannelType.DM and channel.recipient is user:
                return channel
        channel = Channel(self.snowflakes.next(), ChannelType.DM, recipient=user)
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    # messages ------------------------------------------------------------------------------------------
    def create_message(self, channel: Channel, author: User, fields: dict[str, Any], **extra: Any) -> Message:
        revision = MessageRevision(
            content=fields.get("content") or "",
            embeds=list(fields.get("embeds") or []),
            components=list(fields.get("components") or []),
            attachments=list(fields.get("attachments") or []),
            flags=int(fields.get("flags") or 0),
            at=self.now(),
        )
        message = Message(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            revisions=[revision],
            created_at=revision.at,
            **extra,
        )
        self.messages.setdefault(channel.id, []).append(message)
        self._messages_by_id[message.id] = message
        return message

    def edit_message(self, message: Message, changes: dict[str, Any]) -> MessageRevision:
        """Adds a revision; keys absent from `changes` keep their current value, like a PATCH."""
        current = message.current
        revision = MessageRevision(
            content=(changes["content"] or "") if "content" in changes else current.content,
            embeds=list(changes["embeds"] or []) if "embeds" in changes else current.embeds,
            components=list(changes["components"] or []) if "components" in changes else current.components,
            attachments=list(changes["attachments"]) if "attachments" in changes else current.attachments,
            flags=int(changes["flags"]) if changes.get("flags") is not None else current.flags,
            at=self.now(),
        )
        message.revisions.append(revision)
        return revision

    def message(self, message_id: int) -> Message | None:
        return self._messages_by_id.get(message_id)

    def store_attachment(
        self, filename: str, data: bytes, content_type: str | None, description: str | None = None
    ) -> Attachment:
        attachment_id = self.snowflakes.next()
        url = f"{self.cdn_base}/attachments/{attachment_id}/{filename}"
        attachment = Attachment(attachment_id, filename, data, content_type, url, description)
        self.cdn[attachment_id] = attachment
        return attachment

    # interactions --------------------------------------------------------------------------------------
    def add_interaction(self, interaction: Interaction) -> None:
        self.interactions[interaction.id] = interaction
        self._interactions_by_token[interaction.token] = interaction

    def interaction_by_token(self, token: str) -> Interaction | None:
        return self._interactions_by_token.get(token)

    def token_expired(self, interaction: Interaction) -> bool:
        return self.now() - interaction.created_at > INTERACTION_TOKEN_LIFETIME

    # application commands ------------------------------------------------------------------------------
    def find_command(self, name: str, guild_id: int | None) -> ApplicationCommand | None:
        if guild_id is not None and name in self.guild_commands.get(guild_id, {}):
            return self.guild_commands[guild_id][name]
        return self.global_commands.get(name)

    def command_menu(self, locale: str, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The commands a client in `locale` lists when typing "/": localized as Discord shows them."""
        commands = [*self.global_commands.values(), *self.guild_commands.get(guild_id or 0, {}).values()]
        return [localized(command.payload, locale) for command in commands]
