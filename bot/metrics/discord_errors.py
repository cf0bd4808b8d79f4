"""Discord API errors by code, counted from anywhere in the front-end with one call.

Process-wide on purpose, like logging: the front-end records an error without being handed anything, and
it costs nothing when metrics are off. The number of distinct codes is capped (bounded label cardinality).
"""

from __future__ import annotations

from collections import Counter

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
