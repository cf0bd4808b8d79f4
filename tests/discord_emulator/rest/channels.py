"""/channels/{channel_id}[/messages[/{message_id}]]: the bot's own channel messages."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import payloads
from ..mentions import hide_content, notified_user_ids
from ..models import ATTACH_FILES, READ_MESSAGE_HISTORY, SEND_MESSAGES, Channel, ChannelType, Message
from .context import RestContext, body, context, message_fields
from .responses import DiscordError, json_response, no_content

MAX_HISTORY = 100


async def get_channel(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = ctx.channel(request.match_info["channel_id"])
    if not ctx.world.bot_can_see(channel):
        raise DiscordError(403, 50001, "Missing Access")
    return json_response(payloads.channel(channel))


async def create_message(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = ctx.channel(request.match_info["channel_id"])
    if channel.type is ChannelType.GUILD_FORUM:  # one posts in a forum's threads, never in the forum
        raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
    if channel.type is ChannelType.DM and channel.recipient is not None:
        if not channel.recipient.accepts_dms:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        # JSON error 50278 (topics/opcodes-and-status-codes): a bot writes first only to people it shares a
        # server with; someone who only installed the app to their account shares none.
        if not ctx.world.shares_guild_with_bot(channel.recipient):
            raise DiscordError(403, 50278, "Cannot send messages to this user due to having no mutual guilds")
    parsed = body(request)
    ctx.require_bot_permissions(channel, SEND_MESSAGES | (ATTACH_FILES if parsed.files else 0))
    fields = message_fields(request, [])
    extra: dict[str, Any] = {}
    reference = parsed.fields.get("message_reference")
    replied_author_id = None
    if reference and reference.get("message_id"):
        extra["referenced_message_id"] = int(reference["message_id"])
        extra["type"] = 19  # REPLY
        replied = ctx.world.message(int(reference["message_id"]))
        replied_author_id = replied.author.id if replied is not None else None
    extra["notified_user_ids"] = notified_user_ids(
        fields.get("content") or "", parsed.fields.get("allowed_mentions"), replied_author_id
    )
    if not (
        fields.get("content") or fields.get("embeds") or fields.get("attachments") or fields.get("components")
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message")
    message = await ctx.messaging.post(channel, ctx.world.bot_user, fields, **extra)
    return json_response(payloads.message(message, me_id=ctx.world.bot_user.id))


def _visible_channel(ctx: RestContext, raw_id: str) -> Channel:
    """A channel the bot can see. Without View Channel ("allows guild members to view a channel, which
    includes reading messages", https://discord.com/developers/docs/topics/permissions) every message route
    of the channel answers 403 Missing Access (JSON error 50001,
    https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes), even for the
    bot's own messages."""
    channel = ctx.channel(raw_id)
    ctx.require_bot_permissions(channel, 0)
    return channel


def _readable_channel(ctx: RestContext, raw_id: str) -> Channel:
    """A channel whose messages the bot may read: "If operating on a guild channel, this endpoint requires
    the current user to have the VIEW_CHANNEL and READ_MESSAGE_HISTORY permissions" (Get Channel Message
    and Get Channel Messages, https://discord.com/developers/docs/resources/message#get-channel-message).
    Without View Channel: 403/50001; with it but without Read Message History: 403/50013."""
    channel = ctx.channel(raw_id)
    ctx.require_bot_permissions(channel, READ_MESSAGE_HISTORY)
    return channel


async def get_message(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = _readable_channel(ctx, request.match_info["channel_id"])
    message = ctx.message_in(channel, request.match_info["message_id"])
    return json_response(_as_the_app_sees_it(ctx, message))


# GATEWAY_MESSAGE_CONTENT and GATEWAY_MESSAGE_CONTENT_LIMITED: the application may read message content
# (https://discord.com/developers/docs/resources/application#application-object-application-flags).
APP_MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)


def _as_the_app_sees_it(ctx: RestContext, message: Message) -> dict[str, Any]:
    """Over REST too, an app without the Message Content intent "will receive empty values in the content,
    embeds, attachments, and components fields" of others' messages
    (https://discord.com/developers/docs/resources/message#message-object); with no session to identify,
    the application's flag is what counts."""
    world = ctx.world
    data = payloads.message(message, me_id=world.bot_user.id, users=world.users)
    if not world.application_flags & APP_MESSAGE_CONTENT_FLAGS:
        hide_content(data, world.bot_user.id, message.notified_user_ids, is_dm=message.guild_id is None)
    return data


async def history(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = _readable_channel(ctx, request.match_info["channel_id"])
    limit = min(int(request.query.get("limit", 50)), MAX_HISTORY)
    before = int(request.query.get("before", 0)) or None
    after = int(request.query.get("after", 0)) or None
    visible = [m for m in ctx.world.messages.get(channel.id, []) if not m.deleted and not m.ephemeral]
    if before is not None:
        visible = [m for m in visible if m.id < before]
    if after is not None:
        visible = [m for m in visible if m.id > after]
        chosen = visible[:limit]
    else:
        chosen = visible[-limit:]
    newest_first = sorted(chosen, key=lambda m: m.id, reverse=True)
    return json_response([_as_the_app_sees_it(ctx, m) for m in newest_first])


async def edit_message(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = _visible_channel(ctx, request.match_info["channel_id"])
    message = ctx.message_in(channel, request.match_info["message_id"])
    if message.author is not ctx.world.bot_user:
        raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
    if body(request).files:
        ctx.require_bot_permissions(channel, ATTACH_FILES)
    await ctx.messaging.edit(message, message_fields(request, message.attachments, current=message.current))
    return json_response(payloads.message(message, me_id=ctx.world.bot_user.id))


async def delete_message(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = _visible_channel(ctx, request.match_info["channel_id"])
    message = ctx.message_in(channel, request.match_info["message_id"])
    await ctx.messaging.delete(message)
    return no_content()


async def typing(request: web.Request) -> web.Response:
    ctx = context(request)
    channel = ctx.channel(request.match_info["channel_id"])
    ctx.require_bot_permissions(channel, SEND_MESSAGES)
    ctx.typing.append(channel.id)
    return no_content()


def add_routes(app: web.Application) -> None:
    base = "/api/v10/channels/{channel_id}"
    app.router.add_get(base, get_channel)
    app.router.add_post(base + "/typing", typing)
    app.router.add_get(base + "/messages", history)
    app.router.add_post(base + "/messages", create_message)
    app.router.add_get(base + "/messages/{message_id}", get_message)
    app.router.add_patch(base + "/messages/{message_id}", edit_message)
    app.router.add_delete(base + "/messages/{message_id}", delete_message)
