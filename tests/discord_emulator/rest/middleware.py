"""Around every REST call: parse the body, inject faults, check auth and upload size, add rate-limit
headers, map errors to Discord's JSON shape, and record the call."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Middleware

from ..faults import fault_response
from ..messaging import Body
from ..recorder import RecordedCall, RecordedFile
from .context import BODY, context
from .limits import ROUTE_LIMITS, GlobalLimit, global_refusal, route_refusal
from .responses import DiscordError, error

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Webhook and interaction-callback routes authenticate with the token in the URL, not a bot token.
TOKEN_IN_URL = ("/webhooks/", "/interactions/")


async def parse_body(request: web.Request) -> Body:
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue  # discord.py never nests multipart bodies
            raw = await part.read(decode=False)
            if part.filename is not None:
                content_type = part.headers.get("Content-Type")
                files.append(RecordedFile(part.name or "", part.filename, content_type, bytes(raw)))
            elif part.name == "payload_json":
                payload = json.loads(raw)
        return Body(payload, files)
    raw = await request.read()
    if not raw:
        return Body(None, [])
    try:
        return Body(json.loads(raw), [])
    except ValueError:
        return Body(raw.decode(errors="replace"), [])


@dataclass
class RateLimits:
    """Per-bucket windows that produce realistic X-RateLimit-* headers. Not enforced unless `enforce` is set
    (then Discord's global limit and the route limits of rest/limits.py answer 429s, as Discord does)."""

    limit: int = 50
    window: float = 1.0
    enforce: bool = False
    global_limit: GlobalLimit = field(default_factory=GlobalLimit)
    route_refusals: int = 0
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def _limits(self, bucket_key: str) -> tuple[int, float]:
        if not self.enforce:
            return self.limit, self.window
        return ROUTE_LIMITS.get(bucket_key.split("|")[0], (self.limit, self.window))

    def _window(self, bucket_key: str, now: float) -> tuple[float, int]:
        start, used = self._windows.get(bucket_key, (now, 0))
        if now - start >= self._limits(bucket_key)[1]:
            start, used = now, 0
        return start, used

    def refusal(self, request: web.Request, bucket_key: str, path: str) -> web.Response | None:
        """The 429 Discord would answer instead of running the request, if any (only when enforcing)."""
        if not self.enforce:
            return None
        authorization = request.headers.get("Authorization")
        if authorization is not None and not path.startswith(TOKEN_IN_URL):
            wait = self.global_limit.take(authorization)
            if wait > 0:
                return global_refusal(wait)
        now = time.time()
        start, used = self._window(bucket_key, now)
        limit, window = self._limits(bucket_key)
        if used >= limit:
            self.route_refusals += 1
            return route_refusal(start + window - now, self._headers(bucket_key, start, used, now))
        return None

    def headers(self, bucket_key: str) -> dict[str, str]:
        now = time.time()
        start, used = self._window(bucket_key, now)
        used += 1
        self._windows[bucket_key] = (start, used)
        return self._headers(bucket_key, start, used, now)

    def _headers(self, bucket_key: str, start: float, used: int, now: float) -> dict[str, str]:
        limit, window = self._limits(bucket_key)
        reset = start + window
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, reset - now):.3f}",
            "X-RateLimit-Bucket": bucket_hash(bucket_key.split("|")[0]),
        }


def bucket_hash(route: str) -> str:
    return hashlib.sha1(route.encode(), usedforsecurity=False).hexdigest()[:32]


def _bucket_key(request: web.Request, path: str) -> str:
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else path
    info = request.match_info
    major = info.get("channel_id") or info.get("guild_id") or info.get("webhook_id", "")
    major += info.get("token", "")
    return f"{request.method} {template}|{major}"


def make_middleware(rate_limits: RateLimits) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        ctx = context(request)
        path = request.path[len(API_PREFIX) :]
        parsed = await parse_body(request)
        request[BODY] = parsed
        unknown = False
        fault = ctx.faults.take(request.method, path, has_files=bool(parsed.files))
        response: web.StreamResponse
        refusal = None
        if fault is None and request.match_info.http_exception is None:
            refusal = rate_limits.refusal(request, _bucket_key(request, path), path)
        if fault is not None:
            response = fault_response(fault, bucket_hash(path))
        elif refusal is not None:
            response = refusal
        else:
            try:
                response = await _checked(request, handler, ctx.world.token, ctx.world.upload_limit, path)
            except DiscordError as exc:
                response = exc.response()
            except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
                unknown = True
                response = error(404, 0, "404: Not Found")
            if not unknown:
                response.headers.update(rate_limits.headers(_bucket_key(request, path)))
        ctx.recorder.add(
            RecordedCall(
                method=request.method,
                path=path,
                query=dict(request.query),
                json=parsed.json,
                files=parsed.files,
                status=response.status,
                at=ctx.world.now(),
            ),
            unknown=unknown,
        )
        await ctx.notify()
        return response

    return middleware


async def _checked(
    request: web.Request, handler: Handler, token: str, upload_limit: int, path: str
) -> web.StreamResponse:
    if not path.startswith(TOKEN_IN_URL) and request.headers.get("Authorization") != f"Bot {token}":
        raise DiscordError(401, 0, "401: Unauthorized")
    uploaded = sum(len(f.data) for f in request[BODY].files)
    if uploaded > upload_limit:
        raise DiscordError(413, 40005, "Request entity too large")
    return await handler(request)
