"""The shared REST budget's counts reach /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from bot.metrics.rest_budget import RestBudgetCollector
from core.rest_budget.budget import MemoryBudgetStore, RestBudget
from core.rest_budget.rules import Rate


async def test_takes_and_waits_of_the_budget_are_counted() -> None:
    now = [100.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    budget = RestBudget(
        MemoryBudgetStore(lambda: now[0]), token_key="t", global_rate=Rate(per_s=2), sleep=sleep
    )
    for _ in range(3):
        await budget.before_request("GET /x:", global_limited=True)
    registry = CollectorRegistry()
    registry.register(RestBudgetCollector(budget))

    assert registry.get_sample_value("comfybot_rest_budget_takes_total") == 5  # two of them refused
    assert registry.get_sample_value("comfybot_rest_budget_wait_seconds_total") == 1.0
    assert registry.get_sample_value("comfybot_rest_budget_store_failures_total") == 0
