"""How long the moderation log keeps entries, how often old ones are swept, and the clock it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ModerationSettings:
    keep_days: float = 30.0  # MODERATION_LOG_DAYS
    sweep_interval_s: float = 3600.0  # an entry outlives its retention by at most this
    clock: Clock = utc_now  # tests move it forward instead of waiting

    @property
    def keep(self) -> timedelta:
        return timedelta(days=self.keep_days)
