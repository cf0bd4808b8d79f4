"""IDENTIFY turns in the shared budget: one per 5 s (and a margin) per max_concurrency bucket, whichever
gateway process asks."""

from __future__ import annotations

from core.rest_budget.budget import IDENTIFY_RATE, MemoryBudgetStore, RestBudget
from core.rest_budget.rules import Rate


async def test_a_bucket_gives_one_identify_per_window_and_other_buckets_do_not_wait() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    store = MemoryBudgetStore(clock=lambda: now[0])
    gateway_a = RestBudget(store, token_key="t", global_rate=Rate(per_s=40), sleep=sleep)
    gateway_b = RestBudget(store, token_key="t", global_rate=Rate(per_s=40), sleep=sleep)
    await gateway_a.identify(0)
    await gateway_b.identify(1)
    assert slept == []
    await gateway_b.identify(0)  # the other process, the same bucket: after the window
    assert sum(slept) >= IDENTIFY_RATE.interval - 1e-9
    assert 1 / IDENTIFY_RATE.per_s > 5.0, "Discord's 5 s, with a margin"
