"""The aiohttp application: gateway websocket at /, REST under /api/v10, CDN under /attachments."""

from __future__ import annotations

from aiohttp import web

from . import cdn, channels, commands, interactions, reactions, users, webhooks
from .context import CONTEXT, RestContext
from .middleware import RateLimits, make_middleware


def build_app(ctx: RestContext, rate_limits: RateLimits) -> web.Application:
    app = web.Application(middlewares=[make_middleware(rate_limits)], client_max_size=1024**3)
    app[CONTEXT] = ctx
    app.router.add_get("/", ctx.gateway.handle)
    for resource in (interactions, webhooks, channels, reactions, users, commands, cdn):
        resource.add_routes(app)
    return app
