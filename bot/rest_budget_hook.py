"""Where discord.py meets the shared REST budget (core/rest_budget): its HTTPClient.request is the seam.

`attach_rest_budget` wraps the client's `http.request` to note which route a request is for, and adds an
aiohttp trace to the session discord.py opens at login: every attempt (retries after a 429 or a 5xx too)
first takes from the budget, and every response's X-RateLimit-* headers are told to it. discord.py's own
per-process limiter stays in place beneath; the budget only adds the other processes' share.

Only requests made through `HTTPClient.request` are budgeted: those carry the bot token. Interaction
responses and followups (`/interactions/{id}/{token}/callback`, `/webhooks/{application.id}/{token}/...`)
go through discord.py's webhook adapter on the same session, outside `request`, so they pass untouched:
https://discord.com/developers/docs/topics/rate-limits#global-rate-limit says "Interaction endpoints are
not bound to the bot's Global Rate Limit", and one interaction token is used by the one worker that owns its
job, whose in-process limiter keeps that token's route buckets.
"""

from __future__ import annotations

import contextvars
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
from discord.http import Route

from core.rest_budget.budget import RestBudget

# The route of the `HTTPClient.request` this task is inside (None outside: webhook adapter, CDN downloads).
_ROUTE: contextvars.ContextVar[str | None] = contextvars.ContextVar("discord_route", default=None)


def route_key(route: Route) -> str:
    """discord.py's own bucket key before Discord names the bucket: method, path template, top-level ids
    (https://discord.com/developers/docs/topics/rate-limits: limits are per route and per channel, guild
    or webhook in the path). Two routes Discord puts in one bucket (one X-RateLimit-Bucket) are counted
    apart here; discord.py's in-process limiter, which follows the bucket hash, still joins them."""
    return f"{route.key}:{route.major_parameters}"


def attach_rest_budget(client: discord.Client, budget: RestBudget) -> None:
    """Before login: discord.py builds its session, with the trace, in `static_login`."""
    http = client.http
    trace = http.http_trace or aiohttp.TraceConfig()
    trace.on_request_start.append(_before(budget))
    trace.on_request_end.append(_after(budget))
    http.http_trace = trace
    original = http.request

    async def request(route: Route, **kwargs: Any) -> Any:
        token = _ROUTE.set(route_key(route))
        try:
            return await original(route, **kwargs)
        finally:
            _ROUTE.reset(token)

    http.request = request  # type: ignore[method-assign]  # the seam: an instance attribute, before login


def _before(budget: RestBudget) -> Any:
    async def on_request_start(
        _session: aiohttp.ClientSession, _context: SimpleNamespace, _params: aiohttp.TraceRequestStartParams
    ) -> None:
        key = _ROUTE.get()
        if key is not None:
            await budget.before_request(key, global_limited=True)

    return on_request_start


def _after(budget: RestBudget) -> Any:
    async def on_request_end(
        _session: aiohttp.ClientSession, _context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        key = _ROUTE.get()
        if key is not None:
            await budget.after_response(key, params.response.headers)

    return on_request_end
