"""The shared REST budget on PostgreSQL: takers in several pools (as in several processes) at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from core.rest_budget.budget import RestBudget
from core.rest_budget.rules import Rate
from db.rest_budget import PostgresBudgetStore

pytestmark = pytest.mark.postgres

PROCESSES = 3


@pytest.fixture
async def stores(postgres_url: str) -> AsyncIterator[list[PostgresBudgetStore]]:
    opened = [await PostgresBudgetStore.open(postgres_url, connections=4) for _ in range(PROCESSES)]
    try:
        yield opened
    finally:
        for store in opened:
            await store.close()


async def _take_all(
    stores: list[PostgresBudgetStore], rate_key: str | None, rate: Rate, route: str | None, n: int
) -> list[float]:
    return list(
        await asyncio.gather(*(stores[i % len(stores)].take(rate_key, rate, route) for i in range(n)))
    )


async def test_concurrent_takers_get_exactly_the_burst_of_a_slow_rate(
    stores: list[PostgresBudgetStore],
) -> None:
    # One request every 100 s after a burst of 5: however the 30 takes interleave, 5 are granted.
    waits = await _take_all(stores, "t:global", Rate(per_s=0.01, burst=5), None, 30)
    assert sum(1 for wait in waits if wait == 0) == 5
    assert all(wait > 90 for wait in waits if wait > 0)


async def test_concurrent_takers_get_what_discord_reported_remaining(
    stores: list[PostgresBudgetStore],
) -> None:
    await stores[0].observe(
        "t:POST /channels/{channel_id}/messages:1", remaining=3, reset_after=60.0, limit=5
    )
    waits = await _take_all(stores, None, Rate(per_s=1), "t:POST /channels/{channel_id}/messages:1", 12)
    assert sum(1 for wait in waits if wait == 0) == 3
    assert all(55 < wait <= 60 for wait in waits if wait > 0)


async def test_a_refused_global_take_leaves_the_route_bucket_untouched(
    stores: list[PostgresBudgetStore],
) -> None:
    route = "t:PATCH /channels/{channel_id}/messages/{message_id}:1"
    await stores[0].observe(route, remaining=2, reset_after=60.0, limit=5)
    slow = Rate(per_s=0.01, burst=1)
    assert await stores[0].take("t:global", slow, route) == 0
    assert await stores[1].take("t:global", slow, route) > 0  # the global limit refuses: no route slot spent
    assert await stores[2].take(None, slow, route) == 0  # the second of the two remaining
    assert await stores[0].take(None, slow, route) > 0


async def test_a_reported_figure_never_raises_what_is_counted_in_the_same_window(
    stores: list[PostgresBudgetStore],
) -> None:
    route = "t:DELETE /channels/{channel_id}/messages/{message_id}:1"
    await stores[0].observe(route, remaining=1, reset_after=60.0, limit=5)
    assert await stores[0].take(None, Rate(per_s=1), route) == 0
    # An older response (sent before our take) arrives late and says 1 remains: we still count 0.
    await stores[1].observe(route, remaining=1, reset_after=59.0, limit=5)
    assert await stores[2].take(None, Rate(per_s=1), route) > 0


async def test_an_ended_window_opens_with_the_bucket_limit(stores: list[PostgresBudgetStore]) -> None:
    route = "t:GET /guilds/{guild_id}:1"
    await stores[0].observe(route, remaining=1, reset_after=60.0, limit=2)  # a window is 60 s long
    await stores[0].observe(route, remaining=0, reset_after=0.0, limit=2)  # and this one just ended
    waits = await _take_all(stores, None, Rate(per_s=1), route, 6)
    assert sum(1 for wait in waits if wait == 0) == 2


async def test_three_processes_together_stay_under_a_fast_rate(stores: list[PostgresBudgetStore]) -> None:
    """12 takers in 3 pools take 300 requests at 200/s (burst 10): never more than the rate allows."""
    rate = Rate(per_s=200, burst=10)
    budgets = [RestBudget(store, token_key="t", global_rate=rate) for store in stores]
    granted: list[float] = []
    remaining = 300

    async def taker(budget: RestBudget) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await budget.before_request("GET /gateway/bot:", global_limited=True)
            granted.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(taker(budgets[i % PROCESSES]) for i in range(12)))
    elapsed = time.monotonic() - started
    assert len(granted) == 300
    # Every grant fell inside [started, now]: no more than the burst plus the rate over that span.
    assert len(granted) <= rate.burst + rate.per_s * elapsed + 1
    assert sum(budget.waited_s for budget in budgets) > 0  # the takers were held back, not let through
