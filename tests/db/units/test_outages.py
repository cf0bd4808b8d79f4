"""A job's outcome is written through a short database outage; real query errors are not retried."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.units import outages
from db.units.outages import is_outage, through_outages


class Unreachable(Exception):
    """What asyncpg raises while PostgreSQL starts up (wrapped by SQLAlchemy as a plain DBAPIError)."""


@pytest.fixture(autouse=True)
def quick_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outages, "FIRST_WAIT_S", 0.001)
    monkeypatch.setattr(outages, "LONGEST_WAIT_S", 0.002)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        DBAPIError("SELECT 1", None, Unreachable("the database system is starting up")),
        TimeoutError(),
    ],
)
def test_a_refused_or_restarting_database_is_an_outage(error: Exception) -> None:
    assert is_outage(error)


@pytest.mark.parametrize(
    "error",
    [IntegrityError("INSERT", None, Exception("duplicate key")), ValueError("bad"), KeyError("x")],
)
def test_a_bad_query_or_a_bug_is_not_an_outage(error: Exception) -> None:
    assert not is_outage(error)


async def test_a_write_is_retried_until_the_database_is_back() -> None:
    attempts: list[int] = []

    @through_outages
    async def succeed(job_id: int) -> str:
        attempts.append(job_id)
        if len(attempts) < 4:
            raise ConnectionRefusedError(111, "Connect call failed")
        return "stored"

    assert await succeed(7) == "stored"
    assert attempts == [7, 7, 7, 7]


async def test_a_write_that_fails_for_another_reason_is_not_retried() -> None:
    attempts = 0

    @through_outages
    async def succeed() -> None:
        nonlocal attempts
        attempts += 1
        raise IntegrityError("INSERT", None, Exception("duplicate key"))

    with pytest.raises(IntegrityError):
        await succeed()
    assert attempts == 1


async def test_after_its_patience_the_outage_error_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outages, "PATIENCE_S", 0.01)

    @through_outages
    async def succeed() -> None:
        raise ConnectionRefusedError(111, "Connect call failed")

    with pytest.raises(ConnectionRefusedError):
        await succeed()
