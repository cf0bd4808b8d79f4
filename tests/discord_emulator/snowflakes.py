"""Discord-shaped snowflake ids, so ids sort by creation time like the real ones."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Makes unique, increasing snowflakes: timestamp << 22 | worker << 17 | increment."""

    def __init__(self, worker_id: int = 1) -> None:
        self._worker_id = worker_id & 0x1F
        self._increment = itertools.count()
        self._last = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (now_ms << 22) | (self._worker_id << 17) | (next(self._increment) & 0x1FFFF)
        # Two ids made in the same millisecond after a counter wrap must still increase.
        self._last = value = max(value, self._last + 1)
        return value
