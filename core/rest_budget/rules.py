"""The budget's arithmetic, the same in memory and in the database (db/rest_budget.py mirrors it in SQL).

Two kinds of limit:

- A *rate* (the bot token's global limit, a channel's progress edits): GCRA, the generic cell rate
  algorithm. One number per key, the theoretical arrival time `tat`; a take is granted when the key is not
  more than `burst` requests ahead of its steady rate. In any window of L seconds it grants at most
  `per_s * L + burst` requests, whatever the window's alignment: safe against a limit counted in fixed or
  in sliding windows.
- A *route bucket*: what Discord last reported for it in the X-RateLimit-* headers (remaining, reset), taken
  down by one for every request sent, and waited out when nothing remains.
"""

from __future__ import annotations

from dataclasses import dataclass

# https://discord.com/developers/docs/topics/rate-limits#global-rate-limit: "All bots can make up to 50
# requests per second to our API" (more on request to Discord's support: hence a setting).
DISCORD_GLOBAL_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Rate:
    per_s: float
    burst: int = 1  # requests that may go at once after a quiet spell

    @property
    def interval(self) -> float:
        return 1.0 / self.per_s

    @property
    def tolerance(self) -> float:
        return self.interval * (self.burst - 1)


def global_rate(limit_per_s: int = DISCORD_GLOBAL_LIMIT) -> Rate:
    """A rate that stays under `limit_per_s` in any one-second window with room to spare: 80 % steady and a
    burst of 10 % leave a tenth of the limit for requests that reach Discord out of the order they were
    granted in (network and event-loop jitter between processes)."""
    return Rate(per_s=limit_per_s * 0.8, burst=max(1, limit_per_s // 10))


def take_rate(tat: float | None, now: float, rate: Rate) -> tuple[float | None, float]:
    """(the new tat, how long to wait): a wait of 0 means granted; otherwise nothing is taken."""
    start = now if tat is None else max(tat, now)
    wait = start - rate.tolerance - now
    if wait > 0:
        return tat, wait
    return start + rate.interval, 0.0


@dataclass(slots=True)
class RouteBucket:
    """What is known of one route bucket; `remaining` None: nothing reported yet, requests go."""

    remaining: int | None = None
    reset_at: float = 0.0
    window_s: float = 0.0  # the longest Reset-After seen: a new window's length once this one ends
    limit: int = 1


def take_route(bucket: RouteBucket, now: float) -> float:
    """Take one request from the bucket; the wait (0 = taken) until it can be."""
    if bucket.remaining is None:
        return 0.0
    if bucket.reset_at <= now:
        # A new window: Discord's limit again, counted down until a response says where it stands.
        bucket.remaining = bucket.limit - 1
        bucket.reset_at = now + bucket.window_s
        return 0.0
    if bucket.remaining > 0:
        bucket.remaining -= 1
        return 0.0
    return bucket.reset_at - now


def observe_route(bucket: RouteBucket, now: float, *, remaining: int, reset_after: float, limit: int) -> None:
    """A response's X-RateLimit-* headers. Within the window we already count, keep the lower figure:
    requests granted but not yet seen by Discord are in ours and not in its figure."""
    if bucket.remaining is not None and bucket.reset_at > now:
        remaining = min(bucket.remaining, remaining)
    bucket.remaining = remaining
    bucket.reset_at = now + reset_after
    bucket.window_s = max(bucket.window_s, reset_after)
    bucket.limit = limit
