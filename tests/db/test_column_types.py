"""The column types behave the same on both backends: aware UTC times, full 64-bit seeds, JSON documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models import Job
from db.repositories import JobRepository
from db.types import MAX_SEED
from tests.db.factories import job_data


async def test_timestamps_come_back_timezone_aware_in_utc(session: AsyncSession) -> None:
    paris_summer = timezone(timedelta(hours=2))
    started = datetime(2026, 7, 1, 14, 30, 15, 123456, tzinfo=paris_summer)
    job = await JobRepository(session).add(job_data())
    job.started_at = started
    await session.flush()
    session.expunge_all()

    loaded = await session.get(Job, job.id)
    assert loaded is not None
    assert loaded.started_at == started
    assert loaded.started_at is not None
    assert loaded.started_at.tzinfo is UTC
    assert loaded.started_at.hour == 12
    assert loaded.queued_at.tzinfo is UTC


async def test_naive_datetime_is_refused(session: AsyncSession) -> None:
    job = await JobRepository(session).add(job_data())
    job.started_at = datetime(2026, 1, 1, 12, 0)  # noqa: DTZ001  # the naive value under test
    with pytest.raises(StatementError, match="naive datetime"):
        await session.flush()


@pytest.mark.parametrize("seed", [0, 1, 2**63 - 1, 2**63, MAX_SEED])
async def test_seed_keeps_every_unsigned_64_bit_value(session: AsyncSession, seed: int) -> None:
    job = await JobRepository(session).add(job_data(seed=seed))
    session.expunge_all()
    stored = await session.scalar(select(Job.seed).where(Job.id == job.id))
    assert stored == seed
    assert type(stored) is int


async def test_server_side_timestamp_default_reads_back_aware(session: AsyncSession) -> None:
    # Rows written by plain SQL (tools, the benchmark) get the database's clock, still read as UTC.
    await session.execute(
        text(
            "INSERT INTO jobs (guild_id, channel_id, user_id, kind, raw_input, params, workflow_name,"
            " workflow_version) VALUES (1, 2, 3, 'song', 'lofi', '{}', 'ace', 'v1')"
        )
    )
    queued_at = await session.scalar(select(Job.queued_at).where(Job.raw_input == "lofi"))
    assert queued_at is not None
    assert queued_at.tzinfo is UTC
    assert abs(datetime.now(UTC) - queued_at) < timedelta(minutes=5)


async def test_json_document_round_trips_nested_values(session: AsyncSession) -> None:
    params = {"prompt": "ünïcode ✓", "loras": [{"name": "a", "weight": 0.5}], "big": 2**62, "none": None}
    job = await JobRepository(session).add(job_data(params=params))
    session.expunge_all()
    assert await session.scalar(select(Job.params).where(Job.id == job.id)) == params


async def test_job_ids_are_assigned_in_increasing_order(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    first = await jobs.add(job_data())
    second = await jobs.add(job_data())
    assert first.id >= 1
    assert second.id > first.id


def test_only_a_jobs_own_interaction_token_is_kept() -> None:
    """A worker process edits the response of the interaction a gateway process received with its token
    (issue 17), so a job keeps it, and only until its result is delivered; no other token has a column."""
    columns = [
        f"{table.name}.{column.name}" for table in Base.metadata.tables.values() for column in table.columns
    ]
    assert [name for name in columns if "token" in name.lower()] == [
        "jobs.interaction_token",
        "jobs.interaction_token_expires_at",
    ]
