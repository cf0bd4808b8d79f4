"""The REST budget every process on one bot token shares: asked before each request, told each response.

The store (the database, or memory for one process and tests) makes each take atomic; this class waits
while a take is refused and turns response headers into observations. If the store fails or is slow to
answer (a database restart), requests go on under discord.py's own in-process limits rather than stopping:
a 429 is recoverable, a bot that stops talking is not. After a failure the store is left alone for a few
seconds, so an outage costs one timeout, not one per request.

The timeout is the store's own: this process's asks queue for the store's connections in a line of their
own first. A burst of requests (a hundred deliveries at once) waits there in turn, on a loaded machine for
longer than the timeout, and that is not the store being slow: were it counted, the process would give up
the shared budget in the middle of the very burst it is there for, and meet the global limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

from core.rest_budget.rules import Rate, RouteBucket, observe_route, take_rate, take_route

log = logging.getLogger(__name__)
T = TypeVar("T")

# Never wait longer than this in one go: a wait computed from a clock that jumped is retried instead.
LONGEST_WAIT_S = 5.0
# A take answers in a fraction of a millisecond (bench/rest_budget.py); one this late means trouble.
STORE_TIMEOUT_S = 1.0
# After the store failed: this long under discord.py's own limits before asking it again.
STORE_RETRY_AFTER_S = 5.0
# Discord lets max_concurrency shards IDENTIFY per 5 s, one per bucket shard_id % max_concurrency
# (https://discord.com/developers/docs/events/gateway#session-start-limit-object); a little more, for the
# gateway processes' clocks and network paths differing.
IDENTIFY_RATE = Rate(per_s=1 / 5.5, burst=1)


class BudgetStore(Protocol):
    @property
    def width(self) -> int:
        """How many asks it answers at once (its connections); more wait in this process's line."""
        ...

    async def take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> float:
        """Take one request from the rate (if a key is given) and then from the route bucket (if given),
        atomically for every process; 0 when taken, else how long to wait (the route is then untouched)."""
        ...

    async def observe(self, route_key: str, *, remaining: int, reset_after: float, limit: int) -> None: ...

    async def close(self) -> None: ...


class RestBudget:
    def __init__(
        self,
        store: BudgetStore,
        *,
        token_key: str,
        global_rate: Rate,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        store_timeout_s: float = STORE_TIMEOUT_S,
    ) -> None:
        """`token_key` tells bot tokens apart in a shared store (a digest, never the token itself)."""
        self._store = store
        self._prefix = token_key
        self._global_rate = global_rate
        self._sleep = sleep
        self._store_timeout_s = store_timeout_s
        self._store_down_until = 0.0
        self._line = asyncio.Semaphore(store.width)
        self.takes = 0
        self.waited_s = 0.0
        self.store_failures = 0

    async def before_request(self, route_key: str, *, global_limited: bool) -> None:
        """Wait until the request may go: under the global limit (when it counts) and its route's bucket."""
        rate_key = f"{self._prefix}:global" if global_limited else None
        await self._take(rate_key, self._global_rate, f"{self._prefix}:{route_key}")

    async def channel_edit(self, channel_id: int, rate: Rate) -> float:
        """One progress edit in the channel, shared by every worker; 0 when taken, else the wait."""
        wait = await self._ask(lambda: self._store.take(f"{self._prefix}:edits:{channel_id}", rate, None))
        return 0.0 if wait is None else wait

    async def identify(self, bucket: int) -> None:
        """Wait for an IDENTIFY turn in `bucket` (shard_id % max_concurrency), shared by every gateway
        process on the token."""
        await self._take(f"{self._prefix}:identify:{bucket}", IDENTIFY_RATE, None)

    async def after_response(self, route_key: str, headers: Mapping[str, str]) -> None:
        parsed = _route_headers(headers)
        if parsed is None:
            return
        remaining, reset_after, limit = parsed
        key = f"{self._prefix}:{route_key}"
        await self._ask(
            lambda: self._store.observe(key, remaining=remaining, reset_after=reset_after, limit=limit)
        )

    async def _take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> None:
        while True:
            wait = await self._ask(lambda: self._store.take(rate_key, rate, route_key))
            if wait is None:
                return
            self.takes += 1
            if wait <= 0:
                return
            wait = min(wait, LONGEST_WAIT_S)
            self.waited_s += wait
            await self._sleep(wait)

    async def _ask(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """The store's answer, or None while it fails (see the module's docstring)."""
        if time.monotonic() < self._store_down_until:
            return None
        async with self._line:
            if time.monotonic() < self._store_down_until:  # it failed while this ask waited in line
                return None
            try:
                async with asyncio.timeout(self._store_timeout_s):
                    return await call()
            except Exception as error:  # any failure of the store: Discord's own limits still hold
                self.store_failures += 1
                self._store_down_until = time.monotonic() + STORE_RETRY_AFTER_S
                log.warning(
                    "REST budget unavailable (%r); discord.py's per-process limits for the next %.0f s",
                    error,
                    STORE_RETRY_AFTER_S,
                )
                return None

    async def close(self) -> None:
        await self._store.close()


def _route_headers(headers: Mapping[str, str]) -> tuple[int, float, int] | None:
    """(remaining, reset-after, limit) from X-RateLimit-* headers (case-insensitive mapping), if all there.

    https://discord.com/developers/docs/topics/rate-limits#header-format: Remaining, Reset-After (seconds,
    with decimals) and Limit describe the route's bucket; a 429's own headers describe it as well.
    """
    try:
        return (
            int(headers["X-RateLimit-Remaining"]),
            float(headers["X-RateLimit-Reset-After"]),
            int(headers["X-RateLimit-Limit"]),
        )
    except (KeyError, ValueError):
        return None


class MemoryBudgetStore:
    """The same rules in one process's memory (tests, and a reference for the SQL)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.tats: dict[str, float | None] = {}
        self.routes: dict[str, RouteBucket] = {}

    @property
    def width(self) -> int:
        return 1  # an answer from memory is immediate: one at a time costs nothing

    async def take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> float:
        now = self._clock()
        if rate_key is not None:
            tat, wait = take_rate(self.tats.get(rate_key), now, rate)
            if wait > 0:
                return wait
            self.tats[rate_key] = tat
        if route_key is None:
            return 0.0
        return take_route(self.routes.setdefault(route_key, RouteBucket()), now)

    async def observe(self, route_key: str, *, remaining: int, reset_after: float, limit: int) -> None:
        bucket = self.routes.setdefault(route_key, RouteBucket())
        observe_route(bucket, self._clock(), remaining=remaining, reset_after=reset_after, limit=limit)

    async def close(self) -> None:
        return None
