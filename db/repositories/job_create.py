"""A new job as Core statements: a gateway makes one per interaction, so this skips the ORM's unit of work.

On PostgreSQL one statement counts the user's live jobs (for their caps), inserts the job and its "queued"
event and tells the workers (pg_notify, sent at commit) in a data-modifying CTE; the per-user lock is taken
by a statement of its own before it, since a statement sees the database as it was when it began, not when
a lock it waited for inside it was granted. A request over its caps is refused by the caller after the
insert, which its transaction then rolls back (with the notification). A job made by a press on a result
is first looked for under the same lock (`SamePress`: a double click makes one job). SQLite has no DML in
CTEs: there the count, the job and its event are three statements in the transaction. Written against
SQLAlchemy's sync API, run in one greenlet (db.connections.run_unit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Executable,
    Row,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from db.enums import JobStatus
from db.models import Job, JobEvent, JobInput
from db.notify import CHANNEL
from db.repositories.jobs import ActiveCounts
from db.schemas import JobCreate, JobInputCreate, validated
from db.snapshots import JobView
from db.types import UtcDateTime

jobs = cast(Table, Job.__table__)
events = cast(Table, JobEvent.__table__)
inputs = cast(Table, JobInput.__table__)

_FIELDS = tuple(JobCreate.model_fields)
# Returned in JobView's order (db.repositories.job_steps.view_of reads a row so).
_VIEW = [field.name for field in dataclasses.fields(JobView)]

_LOCK_USER = select(func.pg_advisory_xact_lock(func.hashtextextended(bindparam("cap_key"), 0)))


def _counted(status: JobStatus) -> Any:
    return func.count().filter(jobs.c.status == status)


def _counts() -> Any:
    return select(
        _counted(JobStatus.QUEUED).label("queued"), _counted(JobStatus.RUNNING).label("running")
    ).where(
        jobs.c.guild_id == bindparam("guild_id"),
        jobs.c.user_id == bindparam("user_id"),
        jobs.c.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
    )


def _insert_job() -> Any:
    values: dict[str, Any] = {name: bindparam(name, type_=jobs.c[name].type) for name in _FIELDS}
    now = bindparam("now", type_=UtcDateTime())
    values.update(status=JobStatus.QUEUED, queued_at=now, updated_at=now)
    return insert(jobs).values(values).returning(*(jobs.c[name] for name in _VIEW))


@cache
def _create(postgres: bool, counted: bool) -> Executable:
    if not postgres:
        return _insert_job()  # type: ignore[no-any-return]
    added = _insert_job().cte("added")
    event = insert(events).from_select(
        ["job_id", "at", "kind", "detail"],
        select(
            added.c.id,
            bindparam("now", type_=UtcDateTime()),
            literal("queued"),
            bindparam("event_detail", type_=events.c.detail.type),
        ),
    )
    # The worker message is written before the id is known: the statement puts the id in.
    at_id: Any = literal_column("'{job_id}'::text[]")
    message = func.jsonb_set(sql_cast(bindparam("message"), JSONB), at_id, func.to_jsonb(added.c.id))
    columns = [*added.c, func.pg_notify(CHANNEL, sql_cast(message, Text)).label("told")]
    if not counted:
        return select(*columns).add_cte(event.cte("event"))
    counts = _counts().cte("counts")
    columns += [counts.c.queued, counts.c.running]
    return select(*columns).select_from(added.join(counts, true())).add_cte(event.cte("event"))


class SamePress(Exception):
    """The same member's same press on the same result made job `job_id`, still live (see `same_press`)."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"the same press made job {job_id}")
        self.job_id = job_id


def same_press_query() -> Any:
    """The newest job of this member made by the same press on the same result that is queued or running,
    or was made since `since` (a quick job may be done before a double click's second press arrives)."""
    return (
        select(jobs.c.id)
        .where(
            jobs.c.parent_id == bindparam("parent_id"),
            jobs.c.press == bindparam("press"),
            jobs.c.user_id == bindparam("user_id"),
            jobs.c.guild_id == bindparam("guild_id"),
            or_(
                jobs.c.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
                jobs.c.queued_at >= bindparam("since", type_=UtcDateTime()),
            ),
        )
        .order_by(jobs.c.id.desc())
        .limit(1)
    )


def create_job(
    connection: Connection,
    data: JobCreate,
    *,
    now: datetime,
    count_user: bool,
    message: str,
    press_window: timedelta = timedelta(0),
) -> tuple[Row[Any], ActiveCounts | None]:
    """The new job's row (the columns of a JobView, in order) and, with `count_user`, the user's queued and
    running jobs in the guild before it (under the per-user lock). `message`: the worker message telling
    the job queued, with job_id 0 (the statement writes the id).

    A job made by a press on a result (`data.press`) is not made when the same press of the same member
    made one still queued or running, or within `press_window`: SamePress, checked under the same lock, so
    two presses arriving together (in one process or in two) make one job."""
    postgres = connection.dialect.name == "postgresql"
    params: dict[str, Any] = {**validated(JobCreate, data).model_dump(), "now": now}
    counts = None
    pressed = data.press is not None and data.parent_id is not None
    if postgres and (count_user or pressed):
        key = f"user-caps:{data.guild_id}:{data.user_id}"
        connection.execute(_LOCK_USER, {"cap_key": key})
    if pressed:  # on SQLite, BEGIN IMMEDIATE already keeps other writers out
        found = connection.execute(same_press_query(), {**params, "since": now - press_window}).first()
        if found is not None:
            raise SamePress(found.id)
    if count_user and not postgres:
        counted = (connection.execute(_counts(), params)).one()
        counts = ActiveCounts(queued=counted.queued, running=counted.running)
    detail = {"workflow": data.workflow_name}
    if postgres:
        params.update(event_detail=detail, message=message)
    row = (connection.execute(_create(postgres, count_user and postgres), params)).one()
    if not postgres:
        event = {"job_id": row.id, "at": now, "kind": "queued", "detail": detail}
        connection.execute(insert(events), [event])
    elif count_user:
        counts = ActiveCounts(queued=row.queued, running=row.running)
    return row, counts


def add_inputs(connection: Connection, records: Sequence[JobInputCreate | Mapping[str, Any]]) -> None:
    """A job's input records (a second one for the same job and role violates the unique constraint)."""
    if records:
        rows = [validated(JobInputCreate, record).model_dump() for record in records]
        connection.execute(insert(inputs), rows)
