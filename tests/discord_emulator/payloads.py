"""JSON payloads shaped like Discord's (API v10). Optional keys are left out rather than sent as null."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import (
    VIEW_CHANNEL,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Reaction,
    Role,
    User,
    iso,
)
from .unfurl import shown_attachments


def user(u: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "public_flags": 0,
    }
    if u.bot:
        data["bot"] = True
    return data


def role(r: Role) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": 0,
        "colors": {"primary_color": 0},
        "hoist": False,
        "managed": r.managed,
        "mentionable": False,
        "flags": 0,
    }


def member(m: Member, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "joined_at": iso(m.joined_at),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if with_user:
        data["user"] = user(m.user)
    if m.nick is not None:
        data["nick"] = m.nick
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel(c: Channel) -> dict[str, Any]:
    if c.type is ChannelType.DM:
        assert c.recipient is not None
        return {"id": str(c.id), "type": int(c.type), "recipients": [user(c.recipient)], "flags": 0}
    if c.type is ChannelType.GROUP_DM:
        return {
            "id": str(c.id),
            "type": int(c.type),
            "recipients": [user(u) for u in c.recipients],
            "owner_id": str(c.recipients[0].id),
            "name": None,
            "icon": None,
            "flags": 0,
        }
    if c.is_thread:
        return thread(c)
    data: dict[str, Any] = {
        "id": str(c.id),
        "type": int(c.type),
        "name": c.name,
        "position": c.position,
        "nsfw": c.nsfw,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in c.overwrites
        ],
        "rate_limit_per_user": 0,
        "flags": 0,
    }
    if c.guild_id is not None:
        data["guild_id"] = str(c.guild_id)
    if c.topic is not None:
        data["topic"] = c.topic
    return data


def thread(c: Channel) -> dict[str, Any]:
    """A thread's channel object (channel#thread-metadata-object): no nsfw, position or overwrites."""
    return {
        "id": str(c.id),
        "type": int(c.type),
        "guild_id": str(c.guild_id),
        "parent_id": str(c.parent_id),
        "owner_id": str(c.owner_id),
        "name": c.name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": c.archived,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso(dt.datetime.now(dt.UTC)),
            "locked": False,
            **({"invitable": True} if c.type is ChannelType.PRIVATE_THREAD else {}),
        },
    }


def guild_create(g: Guild, *, all_members: bool, bot_id: int) -> dict[str, Any]:
    """Like Discord, only bots with the presences intent get every member; the rest see just themselves.
    Threads come apart from channels, in `threads`: "all active threads in the guild that current user has
    permission to view" (https://discord.com/developers/docs/events/gateway-events#guild-create)."""
    channels, threads = [], []
    bot = g.members.get(bot_id)
    for c in g.channels.values():
        if c.is_thread:
            if not c.archived and bot is not None and g.permissions_in(c, bot) & VIEW_CHANNEL:
                threads.append(thread(c))
            continue
        entry = channel(c)
        entry.pop("guild_id", None)  # GUILD_CREATE channels carry no guild_id
        channels.append(entry)
    data: dict[str, Any] = {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "owner_id": str(g.owner_id),
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": g.preferred_locale,
        "features": [],
        "system_channel_flags": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": threads,
        "members": [member(m) for m in g.members.values() if all_members or m.id == bot_id],
        "member_count": len(g.members),
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
    }
    if bot_id in g.members:
        data["joined_at"] = iso(g.members[bot_id].joined_at)
    return data


def attachment(a: Attachment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": a.url,
        "proxy_url": a.url,
    }
    if a.content_type is not None:
        data["content_type"] = a.content_type
    if a.description is not None:
        data["description"] = a.description
    if a.ephemeral:
        data["ephemeral"] = True
    return data


def reaction(r: Reaction, *, me_id: int) -> dict[str, Any]:
    return {
        "emoji": r.emoji,
        "count": len(r.user_ids),
        "count_details": {"burst": 0, "normal": len(r.user_ids)},
        "me": me_id in r.user_ids,
        "me_burst": False,
        "burst_colors": [],
    }


def message(
    m: Message, *, me_id: int, with_guild_id: bool = True, users: dict[int, User] | None = None
) -> dict[str, Any]:
    """`users` (the world's) lets `mentions` list the users the message pinged when it was created."""
    rev = m.current
    data: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": m.type,
        "author": user(m.author),
        "content": rev.content,
        "timestamp": iso(m.created_at),
        "edited_timestamp": iso(rev.at) if m.edits else None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [user(users[i]) for i in m.notified_user_ids if users is not None and i in users],
        "mention_roles": [],
        "attachments": [attachment(a) for a in shown_attachments(rev)],
        "embeds": rev.embeds,
        "components": rev.components,
        "pinned": False,
        "flags": rev.flags,
    }
    if m.guild_id is not None and with_guild_id:
        data["guild_id"] = str(m.guild_id)
    if m.webhook_id is not None:
        data["webhook_id"] = str(m.webhook_id)
    if m.application_id is not None:
        data["application_id"] = str(m.application_id)
    if m.interaction_metadata is not None:
        data["interaction_metadata"] = m.interaction_metadata
    if m.reactions:
        data["reactions"] = [reaction(r, me_id=me_id) for r in m.reactions]
    if m.referenced_message_id is not None:
        data["message_reference"] = {"type": 0, "message_id": str(m.referenced_message_id)}
        data["message_reference"]["channel_id"] = str(m.channel_id)
        if m.guild_id is not None:
            data["message_reference"]["guild_id"] = str(m.guild_id)
    return data


def emoji_from_path(raw: str) -> dict[str, Any]:
    """Turns the emoji in a reactions URL ("👍" or "name:id") into a partial emoji payload."""
    name, _, emoji_id = raw.partition(":")
    if emoji_id:
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": raw}
