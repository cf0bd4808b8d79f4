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


class DiscordErrorTally:
    def __init__(self, max_codes: int = MAX_CODES) -> None:
        self._counts: Counter[str] = Counter()
        self._max_codes = max_codes

    def record(self, code: int | str) -> None:
        label = str(code)
        if label not in self._counts and len(self._counts) >= self._max_codes:
            label = OTHER
        self._counts[label] += 1

    def counts(self) -> dict[str, int]:
        return dict(self._counts)


_tally = DiscordErrorTally()


def record_discord_error(code: int | str) -> None:
    """Count one failed Discord API call: its JSON error code (50013...) or else its HTTP status."""
    _tally.record(code)


def discord_error_counts() -> dict[str, int]:
    return _tally.counts()


class DiscordErrorCollector:
    """Exposes a tally as the counter `comfybot_discord_api_errors_total{code}`, read at scrape time."""

    def __init__(self, tally: DiscordErrorTally | None = None) -> None:
        self._tally = tally or _tally

    def collect(self) -> Iterator[Any]:
        family = CounterMetricFamily(
            "comfybot_discord_api_errors",
            "Failed Discord API calls since start, by JSON error code (or HTTP status).",
            labels=["code"],
        )
        for code, count in sorted(self._tally.counts().items()):
            family.add_metric([code], count)
        yield family
