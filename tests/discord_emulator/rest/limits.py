"""Discord's REST rate limits, enforced when a test asks (`emulator.rate_limits.enforce = True`).

https://discord.com/developers/docs/topics/rate-limits:
- "All bots can make up to 50 requests per second to our API" (#global-rate-limit), per bot token; over it a
  429 with `"global": true`, `X-RateLimit-Global: true` and `X-RateLimit-Scope: global`. The docs do not say
  how the second is counted; the emulator takes the strictest reading: never more than 50 in any one second.
  "Interaction endpoints are not bound to the bot's Global Rate Limit": only requests with the bot token
  count (interaction callbacks and the interaction token's webhooks carry no Authorization header).
- Per-route limits, per top-level resource (#header-format): a 429 with `"global": false`,
  `X-RateLimit-Scope: user` and the bucket's X-RateLimit-* headers once a bucket's requests are spent.
A refused request changes nothing; one the global limit let through counts towards it even if its route
then refuses it (Discord saw it). Every 429 needs `Via`: without it discord.py takes it
for a Cloudflare ban.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field

from aiohttp import web

from .responses import json_response

GLOBAL_LIMIT = 50
GLOBAL_WINDOW_S = 1.0

# Limits Discord reports in the X-RateLimit-* headers of these routes (it publishes none: "rate limits
# should not be hard coded"): (requests, window in seconds), per channel. Other routes: 50 per second.
ROUTE_LIMITS: dict[str, tuple[int, float]] = {
    "POST /api/v10/channels/{channel_id}/messages": (5, 5.0),
    "PATCH /api/v10/channels/{channel_id}/messages/{message_id}": (5, 5.0),
    "DELETE /api/v10/channels/{channel_id}/messages/{message_id}": (5, 1.0),
}


@dataclass
class GlobalLimit:
    limit: int = GLOBAL_LIMIT
    window_s: float = GLOBAL_WINDOW_S
    refusals: int = 0
    _sent: dict[str, collections.deque[float]] = field(default_factory=dict)

    def take(self, authorization: str) -> float:
        """0 if the request may go (and is counted), else how long until it could."""
        now = time.monotonic()
        sent = self._sent.setdefault(authorization, collections.deque())
        while sent and now - sent[0] >= self.window_s:
            sent.popleft()
        if len(sent) >= self.limit:
            self.refusals += 1
            return sent[0] + self.window_s - now
        sent.append(now)
        return 0.0


def global_refusal(retry_after: float) -> web.Response:
    return json_response(
        {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": True},
        429,
        {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Global": "true",
            "X-RateLimit-Scope": "global",
        },
    )


def route_refusal(retry_after: float, bucket_headers: dict[str, str]) -> web.Response:
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": "user",
    }
    headers.update(bucket_headers)
    body = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": False}
    return json_response(body, 429, headers)
