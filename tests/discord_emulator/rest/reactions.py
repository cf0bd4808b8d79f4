"""/channels/{channel_id}/messages/{message_id}/reactions...: reactions, echoed on the gateway."""

from __future__ import annotations

from aiohttp import web

from .. import payloads
from ..models import ADD_REACTIONS, READ_MESSAGE_HISTORY, Message, emoji_key
from .context import context
from .responses import DiscordError, json_response, no_content


def _message(request: web.Request) -> Message:
    ctx = context(request)
    channel = ctx.channel(request.match_info["channel_id"])
    return ctx.message_in(channel, request.match_info["message_id"])


async def add_own(request: web.Request) -> web.Response:
    ctx = context(request)
    emoji = payloads.emoji_from_path(request.match_info["emoji"])
    if not emoji["name"]:
        raise DiscordError(400, 10014, "Unknown Emoji")
    message = _message(request)
    ctx.require_bot_permissions(ctx.world.channels[message.channel_id], ADD_REACTIONS | READ_MESSAGE_HISTORY)
    await ctx.messaging.add_reaction(message, ctx.world.bot_user, emoji)
    return no_content()


async def remove_own(request: web.Request) -> web.Response:
    ctx = context(request)
    emoji = payloads.emoji_from_path(request.match_info["emoji"])
    await ctx.messaging.remove_reaction(_message(request), ctx.world.bot_user, emoji)
    return no_content()


async def remove_user(request: web.Request) -> web.Response:
    ctx = context(request)
    emoji = payloads.emoji_from_path(request.match_info["emoji"])
    user = ctx.world.users.get(int(request.match_info["user_id"]))
    if user is None:
        raise DiscordError(404, 10013, "Unknown User")
    await ctx.messaging.remove_reaction(_message(request), user, emoji)
    return no_content()


async def clear_emoji(request: web.Request) -> web.Response:
    ctx = context(request)
    await ctx.messaging.clear_reactions(
        _message(request), payloads.emoji_from_path(request.match_info["emoji"])
    )
    return no_content()


async def clear_all(request: web.Request) -> web.Response:
    await context(request).messaging.clear_reactions(_message(request), None)
    return no_content()


async def list_users(request: web.Request) -> web.Response:
    ctx = context(request)
    key = emoji_key(payloads.emoji_from_path(request.match_info["emoji"]))
    reaction = _message(request).reaction(key)
    ids = reaction.user_ids if reaction is not None else []
    return json_response([payloads.user(ctx.world.users[i]) for i in ids])


def add_routes(app: web.Application) -> None:
    base = "/api/v10/channels/{channel_id}/messages/{message_id}/reactions"
    app.router.add_put(base + "/{emoji}/@me", add_own)
    app.router.add_delete(base + "/{emoji}/@me", remove_own)
    app.router.add_delete(base + "/{emoji}/{user_id:\\d+}", remove_user)
    app.router.add_get(base + "/{emoji}", list_users)
    app.router.add_delete(base + "/{emoji}", clear_emoji)
    app.router.add_delete(base, clear_all)
