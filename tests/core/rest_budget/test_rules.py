"""The budget's rules, Discord-free and database-free: a fake clock and the memory store."""

from __future__ import annotations

import asyncio

from core.rest_budget.budget import MemoryBudgetStore, RestBudget
from core.rest_budget.rules import Rate, global_rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _grants_in_any_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_the_global_rate_never_lets_more_than_discords_limit_through_in_any_second() -> None:
    clock = Clock()
    budget = RestBudget(
        MemoryBudgetStore(clock), token_key="t", global_rate=global_rate(50), sleep=clock.sleep
    )
    granted = []
    for _ in range(500):
        await budget.before_request("GET /x:", global_limited=True)
        granted.append(clock.now)
    # 80 % of 50 steady plus a burst of 5, with a tenth of the limit to spare for jitter.
    assert _grants_in_any_second(granted) == 45
    assert granted[-1] - granted[0] < 500 / 40


async def test_requests_outside_the_global_limit_are_not_held_by_it() -> None:
    clock = Clock()
    budget = RestBudget(MemoryBudgetStore(clock), token_key="t", global_rate=Rate(per_s=1), sleep=clock.sleep)
    for _ in range(100):
        await budget.before_request("GET /x:", global_limited=False)
    assert clock.now == 1000.0


async def test_a_route_bucket_is_waited_out_as_discord_reported_it() -> None:
    clock = Clock()
    budget = RestBudget(MemoryBudgetStore(clock), token_key="t", global_rate=global_rate(), sleep=clock.sleep)
    await budget.after_response(
        "POST /channels/{channel_id}/messages:1",
        {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset-After": "4.5"},
    )
    await budget.before_request("POST /channels/{channel_id}/messages:1", global_limited=True)
    assert clock.now == 1000.0
    await budget.before_request("POST /channels/{channel_id}/messages:1", global_limited=True)
    assert clock.now == 1004.5  # the window's reset; then a new window of the bucket's limit
    for _ in range(4):
        await budget.before_request("POST /channels/{channel_id}/messages:1", global_limited=True)
    assert clock.now == 1004.5


async def test_responses_without_rate_limit_headers_change_nothing() -> None:
    clock = Clock()
    store = MemoryBudgetStore(clock)
    budget = RestBudget(store, token_key="t", global_rate=global_rate(), sleep=clock.sleep)
    await budget.after_response("GET /gateway/bot:", {"Content-Type": "application/json"})
    assert store.routes == {}


class BrokenStore(MemoryBudgetStore):
    async def take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> float:
        raise ConnectionResetError("the database restarted")


async def test_a_failing_store_lets_requests_go_under_discord_pys_own_limits() -> None:
    clock = Clock()
    budget = RestBudget(BrokenStore(clock), token_key="t", global_rate=global_rate(), sleep=clock.sleep)
    await budget.before_request("GET /x:", global_limited=True)
    assert await budget.channel_edit(1, Rate(per_s=1)) == 0.0


class HangingStore(MemoryBudgetStore):
    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    async def take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> float:
        self.asked += 1
        await asyncio.Event().wait()  # a database that never answers
        return 0.0


async def test_a_store_that_does_not_answer_costs_one_timeout_then_is_left_alone() -> None:
    store = HangingStore()
    budget = RestBudget(store, token_key="t", global_rate=global_rate(), store_timeout_s=0.05)
    await budget.before_request("GET /x:", global_limited=True)
    for _ in range(20):
        await budget.before_request("GET /x:", global_limited=True)
    assert store.asked == 1
    assert budget.store_failures == 1


async def test_a_burst_hanging_on_a_silent_store_costs_one_timeout() -> None:
    store = HangingStore()
    budget = RestBudget(store, token_key="t", global_rate=global_rate(), store_timeout_s=0.05)
    await asyncio.gather(*(budget.before_request("GET /x:", global_limited=True) for _ in range(20)))
    assert store.asked == 1, "the others waited in line, then went on under discord.py's limits"
    assert budget.store_failures == 1


class NarrowStore(MemoryBudgetStore):
    """One connection: records how many asks it was answering at once."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.most_inside = 0

    async def take(self, rate_key: str | None, rate: Rate, route_key: str | None) -> float:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await asyncio.sleep(0)  # a round trip: the other asks get to run meanwhile
            return await super().take(rate_key, rate, route_key)
        finally:
            self.inside -= 1


async def test_a_burst_waits_in_line_for_the_stores_connections_outside_its_timeout() -> None:
    """The timeout covers the store's answer: 100 requests at once queue for its one connection first (on a
    loaded machine for longer than the timeout), and are all budgeted."""
    store = NarrowStore()
    budget = RestBudget(store, token_key="t", global_rate=Rate(per_s=1e6, burst=100))
    await asyncio.gather(*(budget.before_request("GET /x:", global_limited=True) for _ in range(100)))
    assert store.most_inside == 1
    assert (budget.takes, budget.store_failures) == (100, 0)
