"""The shared Discord REST budget on PostgreSQL: one statement per take, one per observed response.

The SQL mirrors core/rest_budget/rules.py (GCRA for rates, Discord's reported figures for route buckets);
the row is locked only for the statement, so concurrent takers from any process queue on it for
microseconds and never see a half-done take. Times come from the database's clock.

Its own small asyncpg pool, not the SQLAlchemy engine: a take is on the path of every Discord request,
and the ORM's overhead would cost more than the round trip itself (see bench/rest_budget.py).
"""

from __future__ import annotations

import logging
from typing import Protocol

import asyncpg
from sqlalchemy import make_url

log = logging.getLogger(__name__)

# $1 rate key (or NULL), $2 the rate's interval, $3 its tolerance, $4 route key (or NULL).
# A refused rate leaves the route untouched; a refused route has spent the rate's slot (conservative).
TAKE = """
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now),
rate AS (
    INSERT INTO rest_budget AS b (key, tat)
    SELECT $1::text, clock.now + $2::float8 FROM clock WHERE $1::text IS NOT NULL
    ON CONFLICT (key) DO UPDATE SET
        granted = greatest(coalesce(b.tat, 0), excluded.tat - $2) - $3::float8 <= excluded.tat - $2,
        tat = CASE WHEN greatest(coalesce(b.tat, 0), excluded.tat - $2) - $3 <= excluded.tat - $2
                   THEN greatest(coalesce(b.tat, 0), excluded.tat - $2) + $2 ELSE b.tat END
    RETURNING granted, tat
),
route AS (
    INSERT INTO rest_budget AS b (key, reset_at)
    SELECT $4::text, clock.now FROM clock
    WHERE $4::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rate WHERE NOT rate.granted)
    ON CONFLICT (key) DO UPDATE SET
        granted = b.remaining IS NULL OR b.reset_at <= excluded.reset_at OR b.remaining > 0,
        remaining = CASE WHEN b.remaining IS NULL THEN NULL
                         WHEN b.reset_at <= excluded.reset_at THEN b.bucket_limit - 1
                         ELSE greatest(b.remaining - 1, 0) END,
        reset_at = CASE WHEN b.remaining IS NOT NULL AND b.reset_at <= excluded.reset_at
                        THEN excluded.reset_at + b.window_s ELSE b.reset_at END
    RETURNING granted, reset_at
)
SELECT greatest(
    coalesce((SELECT CASE WHEN granted THEN 0 ELSE tat - $3 - clock.now END FROM rate), 0),
    coalesce((SELECT CASE WHEN granted THEN 0 ELSE reset_at - clock.now END FROM route), 0)
) FROM clock
"""

# $1 route key, $2 remaining, $3 reset-after, $4 limit.
OBSERVE = """
INSERT INTO rest_budget AS b (key, remaining, reset_at, window_s, bucket_limit)
SELECT $1::text, $2::int, extract(epoch FROM clock_timestamp()) + $3::float8, $3, $4::int
ON CONFLICT (key) DO UPDATE SET
    remaining = CASE WHEN b.remaining IS NOT NULL AND b.reset_at > excluded.reset_at - excluded.window_s
                     THEN least(b.remaining, excluded.remaining) ELSE excluded.remaining END,
    reset_at = excluded.reset_at,
    window_s = greatest(b.window_s, excluded.window_s),
    bucket_limit = excluded.bucket_limit
"""

# Rows quiet for an hour (a channel no longer used, a message long finished) go.
PRUNE = """
DELETE FROM rest_budget
WHERE greatest(coalesce(tat, 0), reset_at) < extract(epoch FROM clock_timestamp()) - 3600
"""
PRUNE_EVERY = 10_000


class PostgresBudgetStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._since_prune = 0

    @property
    def width(self) -> int:
        """One ask per connection: the budget's line keeps the rest waiting outside its timeout."""
        return int(self._pool.get_max_size())

    @classmethod
    async def open(cls, database_url: str, *, connections: int = 2) -> PostgresBudgetStore:
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=connections)
        return cls(pool)

    async def take(self, rate_key: str | None, rate: _RateLike, route_key: str | None) -> float:
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self._pool.execute(PRUNE)
        wait = await self._pool.fetchval(TAKE, rate_key, rate.interval, rate.tolerance, route_key)
        return float(wait)

    async def observe(self, route_key: str, *, remaining: int, reset_after: float, limit: int) -> None:
        await self._pool.execute(OBSERVE, route_key, remaining, reset_after, limit)

    async def close(self) -> None:
        await self._pool.close()


class _RateLike(Protocol):
    """What a take needs of core's Rate (db/ does not import the core)."""

    @property
    def interval(self) -> float: ...

    @property
    def tolerance(self) -> float: ...
