"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

MAX_SEED = 2**64 - 1
"""ComfyUI seeds are unsigned 64-bit: one more bit than BIGINT holds."""

KIND_MAX_CHARS = 32
"""A job kind's registered name ("image", "song", ...)."""

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY (its 64-bit rowid).
BigIntegerId = BigInteger().with_variant(Integer(), "sqlite")

# JSONB on Postgres (indexable, compact); SQLite keeps JSON as text.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no timezone type: it gets UTC wall time and we attach UTC on the way out.
    Naive datetimes are refused, because their meaning would depend on the host's clock.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Seed(TypeDecorator[int]):
    """An unsigned 64-bit seed, read and written as a Python int.

    Postgres: NUMERIC(20, 0), exact for every seed. SQLite: its INTEGER is signed 64-bit and NUMERIC
    affinity turns larger numbers into lossy REALs, so there the seed is kept as its decimal digits.
    """

    impl = Numeric(20, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(20))
        return dialect.type_descriptor(Numeric(20, 0, asdecimal=True))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
            raise ValueError(f"seed {value!r} is not an integer between 0 and {MAX_SEED}")
        return str(value) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(value)
