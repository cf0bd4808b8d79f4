"""A token bucket: the per-guild rate limit on new requests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`capacity` requests at once, refilled at `per_minute` tokens a minute.

    Time is passed in (monotonic seconds) so that the bucket is a pure value that tests can drive.
    """

    capacity: float
    per_minute: float
    tokens: float = field(default=-1.0)
    updated_at: float = 0.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def _refill(self, now: float) -> None:
        if now > self.updated_at:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated_at) * self.per_minute / 60.0)
        self.updated_at = max(self.updated_at, now)

    def try_take(self, now: float) -> bool:
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def seconds_until_token(self, now: float) -> float:
        return self.seconds_until_tokens(now, 1)

    def seconds_until_tokens(self, now: float, count: int) -> float:
        """How long until `count` tokens are there at once (never, if the bucket holds fewer)."""
        self._refill(now)
        if self.tokens >= count:
            return 0.0
        if self.per_minute <= 0 or count > self.capacity:
            return float("inf")
        return (count - self.tokens) * 60.0 / self.per_minute
