"""The emulated world: users, guilds, channels and messages, as plain mutable records (interactions and
commands: interaction_models.py)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
# "Allows for deletion of other users' messages"
# (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags).
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
# "Allows for deleting and archiving threads, and viewing all private threads"
# (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags).
MANAGE_THREADS = 1 << 34
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
# "Allows user-installed apps to send public responses. When disabled, users will still be allowed to use
# their apps but the responses will be ephemeral. This only applies to apps not also installed to the
# server." (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags)
USE_EXTERNAL_APPS = 1 << 50
# What @everyone (and the bot's role) get on a fresh guild.
DEFAULT_EVERYONE_PERMISSIONS = (
    (VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | ADD_REACTIONS)
    | USE_APPLICATION_COMMANDS
    | USE_EXTERNAL_APPS
)
# The permissions an app can use in an interaction response: an app without a bot user in the place gets
# @everyone's, limited to these (change log, "app_permissions": "For apps without a bot user (or without
# the bot scope), the value of app_permissions will be the same as the permissions for @everyone, but
# limited to the permissions that can be used in interaction responses").
RESPONSE_PERMISSIONS = ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS
# "app_permissions includes ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE permissions for (G)DMs with other
# users, and additionally includes USE_EXTERNAL_EMOJIS for DMs with the app's bot user" (interaction object,
# https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object).
PRIVATE_CHANNEL_APP_PERMISSIONS = ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE
BOT_DM_APP_PERMISSIONS = PRIVATE_CHANNEL_APP_PERMISSIONS | USE_EXTERNAL_EMOJIS

# Installation contexts (application integration types) and interaction context types.
GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    accepts_dms: bool = True
    # The client's language, sent as the interaction's `locale` (Discord's locale codes, e.g. "de").
    locale: str = "en-US"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    # Extra permission bits granted to this member on top of their roles (the interaction "permissions").
    permissions: int = 0
    joined_at: dt.datetime = field(default_factory=utcnow)

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GROUP_DM = 3
    PUBLIC_THREAD = 11
    # "can only be viewed by those who were invited or those with the MANAGE_THREADS permission"
    # (https://discord.com/developers/docs/topics/threads#private-threads).
    PRIVATE_THREAD = 12
    # Posts only: each post is a thread; the forum itself takes no message.
    GUILD_FORUM = 15


@dataclass
class Channel:
    id: int
    type: ChannelType
    name: str = ""
    guild_id: int | None = None
    nsfw: bool = False
    position: int = 0
    topic: str | None = None
    recipient: User | None = None  # a DM with the bot: the other person
    overwrites: list[Overwrite] = field(default_factory=list)
    # A group DM: the people in it (the bot is never one of them; owner first).
    recipients: list[User] = field(default_factory=list)
    # A thread: the channel it was started in, whose permissions and age restriction it has.
    parent_id: int | None = None
    owner_id: int | None = None  # a thread: who started it
    # A thread: archived (no longer in GUILD_CREATE's active threads; a message there unarchives it).
    archived: bool = False
    # A private thread: who was invited (its starter first); the others need Manage Threads to read it.
    thread_members: set[int] = field(default_factory=set)

    @property
    def is_thread(self) -> bool:
        return self.type in (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    # "the preferred locale of a Community guild; used in server discovery and notices from Discord, and
    # sent in interactions; defaults to "en-US"" (the guild object's preferred_locale, interactions'
    # guild_locale: https://discord.com/developers/docs/resources/guild#guild-object-guild-structure).
    preferred_locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def permissions_of(self, member: Member) -> int:
        """The member's guild-wide permissions, the way Discord computes them (no channel overwrites)."""
        if member.id == self.owner_id:
            return (1 << 53) - 1
        value = self.everyone.permissions | member.permissions
        for role_id in member.roles:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        return (1 << 53) - 1 if value & ADMINISTRATOR else value

    def permissions_in(self, channel: Channel, member: Member) -> int:
        """Guild permissions with the channel's overwrites applied: @everyone, then roles, then member. A
        thread has its parent channel's ("Threads generally inherit permissions from the parent channel":
        https://discord.com/developers/docs/topics/threads#permissions), and a private thread is closed to
        whoever was not invited and has no Manage Threads there."""
        if channel.type is ChannelType.PRIVATE_THREAD and member.id not in channel.thread_members:
            value = self.permissions_in(self.channels[channel.parent_id or 0], member)
            return value if value & MANAGE_THREADS else 0
        if channel.parent_id is not None:
            channel = self.channels[channel.parent_id]
        value = self.permissions_of(member)
        if value & ADMINISTRATOR or member.id == self.owner_id:
            return value
        by_target = {(o.type, o.id): o for o in channel.overwrites}
        everyone = by_target.get((0, self.id))
        if everyone is not None:
            value = (value & ~everyone.deny) | everyone.allow
        role_allow = role_deny = 0
        for role_id in member.roles:
            overwrite = by_target.get((0, role_id))
            if overwrite is not None:
                role_allow |= overwrite.allow
                role_deny |= overwrite.deny
        value = (value & ~role_deny) | role_allow
        own = by_target.get((1, member.id))
        if own is not None:
            value = (value & ~own.deny) | own.allow
        return value


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class MessageRevision:
    """One state of a message: the creation, or an edit."""

    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: list[Attachment]
    flags: int
    at: dt.datetime


@dataclass
class Reaction:
    emoji: dict[str, Any]
    user_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return emoji_key(self.emoji)


def emoji_key(emoji: dict[str, Any]) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    revisions: list[MessageRevision]
    type: int = 0
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    reactions: list[Reaction] = field(default_factory=list)
    deleted: bool = False
    created_at: dt.datetime = field(default_factory=utcnow)
    referenced_message_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    # Who was notified when the message was created (see mentions.py); edits notify nobody.
    notified_user_ids: list[int] = field(default_factory=list)

    @property
    def current(self) -> MessageRevision:
        return self.revisions[-1]

    @property
    def content(self) -> str:
        return self.current.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.current.embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.current.components

    @property
    def attachments(self) -> list[Attachment]:
        return self.current.attachments

    @property
    def flags(self) -> int:
        return self.current.flags

    @property
    def edits(self) -> list[MessageRevision]:
        return self.revisions[1:]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def reaction(self, emoji: str) -> Reaction | None:
        return next((r for r in self.reactions if r.key == emoji), None)


EPHEMERAL = 1 << 6
LOADING = 1 << 7
