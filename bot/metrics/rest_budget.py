"""The shared Discord REST budget's counts (DISCORD_REST_BUDGET=database), read when Prometheus scrapes."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily

from core.rest_budget.budget import RestBudget


class RestBudgetCollector:
    def __init__(self, budget: RestBudget) -> None:
        self._budget = budget

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "comfybot_rest_budget_takes",
            "Takes from the shared Discord REST budget by this process (refused ones too).",
            value=self._budget.takes,
        )
        yield CounterMetricFamily(
            "comfybot_rest_budget_wait_seconds",
            "Time this process's Discord requests waited for the shared budget (the limits of the token).",
            value=self._budget.waited_s,
        )
        yield CounterMetricFamily(
            "comfybot_rest_budget_store_failures",
            "Times the database did not answer a take in time (requests went on under discord.py's limits).",
            value=self._budget.store_failures,
        )
