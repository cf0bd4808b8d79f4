"""Discord API errors by code, counted from anywhere in the front-end with one call.

Process-wide on purpose, like logging: the front-end records an error without being handed anything, and
it costs nothing when metrics are off. The number of distinct codes is capped (bounded label cardinality).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily

MAX_CODES = 50
OTHER = "other"

_counts: Counter[str] = Counter()


def record_discord_error(code: int | str) -> None:
    """Count one failed Discord API call: its JSON error code (50013...) or else its HTTP status."""
    label = str(code)
    if label not in _counts and len(_counts) >= MAX_CODES:
        label = OTHER
    _counts[label] += 1


def discord_error_counts() -> dict[str, int]:
    return dict(_counts)


class DiscordErrorCollector:
    """Exposes the tally as the counter `comfybot_discord_api_errors_total{code}`, read at scrape time."""

    def collect(self) -> Iterator[Any]:
        family = CounterMetricFamily(
            "comfybot_discord_api_errors",
            "Failed Discord API calls since start, by JSON error code (or HTTP status).",
            labels=["code"],
        )
        for code, count in sorted(_counts.items()):
            family.add_metric([code], count)
        yield family
