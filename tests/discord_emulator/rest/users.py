"""/users, /oauth2/applications/@me, /gateway and guild member look-ups."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import payloads
from .context import body, context
from .responses import DiscordError, json_response


async def me(request: web.Request) -> web.Response:
    ctx = context(request)
    data = payloads.user(ctx.world.bot_user)
    data.update({"verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"})
    return json_response(data)


async def get_user(request: web.Request) -> web.Response:
    ctx = context(request)
    raw = request.match_info["user_id"]
    user = ctx.world.users.get(int(raw)) if raw.isdigit() else None
    if user is None:
        raise DiscordError(404, 10013, "Unknown User")
    return json_response(payloads.user(user))


async def open_dm(request: web.Request) -> web.Response:
    ctx = context(request)
    recipient = body(request).fields.get("recipient_id")
    user = ctx.world.users.get(int(recipient)) if recipient is not None else None
    if user is None:
        raise DiscordError(400, 50035, "Invalid Form Body")
    return json_response(payloads.channel(ctx.world.dm_channel_with(user)))


async def application(request: web.Request) -> web.Response:
    ctx = context(request)
    world = ctx.world
    data: dict[str, Any] = {
        "id": str(world.application_id),
        "name": world.bot_user.username,
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": payloads.user(world.owner),
        "verify_key": "0" * 64,
        "flags": world.application_flags,
        "summary": "",
        "bot": payloads.user(world.bot_user),
        "approximate_guild_count": len(world.guilds),
    }
    return json_response(data)


async def gateway(request: web.Request) -> web.Response:
    return json_response({"url": context(request).gateway.url.rstrip("/")})


async def gateway_bot(request: web.Request) -> web.Response:
    """GET /gateway/bot (https://discord.com/developers/docs/events/gateway#get-gateway-bot): the URL, the
    recommended shard count and the session start limit (`max_concurrency` IDENTIFYs per 5 s)."""
    gateway = context(request).gateway
    limit = {
        "total": 1000,
        "remaining": max(0, 1000 - gateway.stats.identifies),
        "reset_after": 86_400_000,
        "max_concurrency": gateway.max_concurrency,
    }
    return json_response(
        {"url": gateway.url.rstrip("/"), "shards": gateway.shards_recommended(), "session_start_limit": limit}
    )


async def guild_member(request: web.Request) -> web.Response:
    ctx = context(request)
    guild = ctx.guild(request.match_info["guild_id"])
    raw = request.match_info["user_id"]
    member = guild.members.get(int(raw)) if raw.isdigit() else None
    if member is None:
        raise DiscordError(404, 10007, "Unknown Member")
    return json_response(payloads.member(member))


async def get_guild(request: web.Request) -> web.Response:
    ctx = context(request)
    guild = ctx.guild(request.match_info["guild_id"])
    data = payloads.guild_create(guild, all_members=False, bot_id=ctx.world.bot_user.id)
    for gateway_only in (
        "channels",
        "members",
        "threads",
        "presences",
        "voice_states",
        "member_count",
        "large",
    ):
        data.pop(gateway_only, None)
    if request.query.get("with_counts") in ("1", "true"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return json_response(data)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v10/guilds/{guild_id}", get_guild)
    app.router.add_get("/api/v10/users/@me", me)
    app.router.add_post("/api/v10/users/@me/channels", open_dm)
    app.router.add_get("/api/v10/users/{user_id}", get_user)
    app.router.add_get("/api/v10/oauth2/applications/@me", application)
    app.router.add_get("/api/v10/applications/@me", application)
    app.router.add_get("/api/v10/gateway", gateway)
    app.router.add_get("/api/v10/gateway/bot", gateway_bot)
    app.router.add_get("/api/v10/guilds/{guild_id}/members/{user_id}", guild_member)
