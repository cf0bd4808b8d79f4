"""A Core statement compiled once per dialect and run on the driver's connection (db/compiled.py, through
db/driver_units.py) stores and reads values exactly as SQLAlchemy's own execution does, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.compiled import Precompiled
from db.driver_units import DriverConnection, run_driver_unit
from db.engine import create_sessionmaker
from db.enums import JobStatus
from db.models import Artifact, GuildPolicy, Job, JobEvent
from db.schemas import JobCreate
from db.types import UtcDateTime
from db.units.jobs import JobStore
from tests.db.factories import job_data, read_document

EVENTS = cast(Table, JobEvent.__table__)
JOBS = cast(Table, Job.__table__)
ARTIFACTS = cast(Table, Artifact.__table__)
POLICIES = cast(Table, GuildPolicy.__table__)

_ADD_EVENT = insert(EVENTS).values(
    job_id=bindparam("job_id"),
    at=bindparam("at", type_=UtcDateTime()),
    kind=bindparam("kind"),
    detail=bindparam("detail", type_=EVENTS.c.detail.type),
)
# Nested, unicode, a float, a null and an empty list: what a JSON column's encoding could differ on.
DETAIL = {"worker": "wörker-1", "n": [1, 2.5, None], "deep": {"ok": True, "none": None, "empty": []}}
# Not in UTC, with microseconds: stored as UTC wall time (SQLite) and read back aware, in UTC.
AT = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
async def job_id(engine: AsyncEngine) -> int:
    store = JobStore(create_sessionmaker(engine), read_document)
    return (await store.create(JobCreate.model_validate(job_data()))).id


async def _stored_events(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    """Each event as the database holds it: on SQLite the very text of each column."""
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            columns = "job_id, CAST(at AS TEXT), kind, CAST(detail AS TEXT)"
        else:
            columns = "job_id, at, kind, detail::text"
        query = f"SELECT {columns} FROM job_events WHERE kind = 'claimed' ORDER BY id"  # noqa: S608
        return [tuple(row) for row in await connection.exec_driver_sql(query)]


async def test_values_are_stored_exactly_as_sqlalchemys_execution_stores_them(
    engine: AsyncEngine, job_id: int
) -> None:
    params = {"job_id": job_id, "at": AT, "kind": "claimed", "detail": DETAIL}
    async with engine.begin() as connection:
        await connection.execute(_ADD_EVENT, params)
    statement = Precompiled(_ADD_EVENT)
    await run_driver_unit(
        engine, lambda connection: connection.each(statement, [params]), scope="transaction"
    )

    through_sqlalchemy, through_the_driver = await _stored_events(engine)
    assert through_the_driver == through_sqlalchemy
    if engine.dialect.name == "sqlite":  # SQLAlchemy's DateTime text, in UTC
        assert through_the_driver[1] == "2026-01-02 01:04:05.000006"


async def test_rows_come_back_as_sqlalchemy_reads_them(engine: AsyncEngine, job_id: int) -> None:
    params = {"job_id": job_id, "at": AT, "kind": "claimed", "detail": DETAIL}
    async with engine.begin() as connection:
        await connection.execute(_ADD_EVENT, params)
    query = select(EVENTS.c.at, EVENTS.c.detail, JOBS.c.status, JOBS.c.private, JOBS.c.params).join(JOBS)
    query = query.where(EVENTS.c.kind == "claimed")
    async with engine.connect() as connection:
        expected = tuple((await connection.execute(query)).one())
    statement = Precompiled(query)

    rows = await run_driver_unit(engine, lambda connection: connection.rows(statement, {}), scope="statement")
    assert rows == [expected]
    at, detail, status, private, _ = rows[0]
    assert (at, detail, status, private) == (AT.astimezone(UTC), DETAIL, JobStatus.QUEUED, False)
    assert at.tzinfo is UTC
    assert type(status) is JobStatus
    assert type(private) is bool


async def test_a_unit_counts_the_rows_a_statement_changed(engine: AsyncEngine, job_id: int) -> None:
    rename = Precompiled(JOBS.update().where(JOBS.c.id == bindparam("id")).values(kind=bindparam("kind")))

    def both(connection: DriverConnection) -> tuple[int, int]:
        # jobs.updated_at has an onupdate default: the caller gives it as any other parameter.
        return connection.count(rename, {"id": job_id, "kind": "song", "updated_at": AT}), connection.count(
            rename, {"id": job_id + 1, "kind": "song", "updated_at": AT}
        )

    assert await run_driver_unit(engine, both, scope="transaction") == (1, 0)


async def test_a_statement_is_compiled_once_for_each_dialect(engine: AsyncEngine) -> None:
    statement = Precompiled(_ADD_EVENT)
    compiled = statement.on(engine.dialect)
    assert statement.on(engine.dialect) is compiled
    # Its parameters in the SQL text's order, a fixed value held by the statement itself not asked for.
    held = Precompiled(
        select(JOBS.c.id).where(JOBS.c.status == JobStatus.RUNNING, JOBS.c.id > bindparam("after"))
    )
    assert held.on(engine.dialect).args({"after": 7}) == ("running", 7)


async def test_a_column_sqlalchemy_fills_at_execution_is_a_parameter_the_caller_gives(
    engine: AsyncEngine,
) -> None:
    # job_events.at has a Python default (utcnow), which SQLAlchemy computes at each execution.
    given: dict[str, Any] = {
        "job_id": bindparam("job_id"),
        "kind": bindparam("kind"),
        "detail": bindparam("detail"),
    }
    compiled = Precompiled(insert(EVENTS).values(given)).on(engine.dialect)
    params: dict[str, Any] = {"job_id": 1, "kind": "claimed", "detail": {}}
    with pytest.raises(KeyError, match="'at' is not given"):
        compiled.args(params)
    assert len(compiled.args({**params, "at": AT})) == 4


async def test_a_statement_rendered_anew_at_each_execution_is_refused(engine: AsyncEngine) -> None:
    expanding = select(JOBS.c.id).where(JOBS.c.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="rendered at execution"):
        Precompiled(expanding).on(engine.dialect)


async def test_a_column_processed_by_the_type_the_driver_reports_reads_back_as_sqlalchemy_reads_it(
    engine: AsyncEngine,
) -> None:
    # A float: on asyncpg SQLAlchemy processes it by the type the server reports (float8 as it comes).
    async with engine.begin() as connection:
        await connection.execute(insert(POLICIES).values(guild_id=1, rate_refill_per_minute=2.5))
    query = select(POLICIES.c.rate_refill_per_minute, POLICIES.c.updated_at).where(POLICIES.c.guild_id == 1)
    async with engine.connect() as connection:
        expected = tuple((await connection.execute(query)).one())
    statement = Precompiled(query)

    for _ in range(2):  # once finding out the driver's types, then with them
        rows = await run_driver_unit(
            engine, lambda connection: connection.rows(statement, {}), scope="statement"
        )
        assert rows == [expected]
    assert rows[0][0] == 2.5
    assert not statement.on(engine.dialect).needs_driver_types
