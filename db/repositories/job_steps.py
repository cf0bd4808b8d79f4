"""The steps every job takes (claimed, finished, delivered) as prebuilt Core statements, one per step.

These run for every job, so they skip what the ORM adds (identity map, unit of work, object hydration):
each is built once, with bind parameters, and SQLAlchemy compiles it once per dialect. A step's event row
is written by the same statement on PostgreSQL (a data-modifying CTE, and the worker message through
pg_notify in its SELECT); SQLite has no DML in CTEs, so there it is a second statement in the same
transaction. A finished job is not read back whole: the statement returns the columns that may have
changed since the claim, and the caller's snapshot (parsed parameters and graph included) is updated.

Below SQLAlchemy's execution layer, too: each statement is compiled once per dialect (db.compiled) and runs
on the driver's connection (db.driver_units), its values processed by their types as SQLAlchemy would, in a
unit of work that runs whole in aiosqlite's thread on SQLite (one trip there), in one greenlet on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, func, insert, select, text, true, union_all, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import ColumnElement, or_

from db.compiled import Precompiled
from db.driver_units import DriverConnection
from db.enums import DeliveryState, JobStatus
from db.models import Job, JobEvent
from db.notify import CHANNEL
from db.parsed_params import ParsedParams
from db.repositories.artifacts import added_params, added_with, artifact_views, insert_artifacts
from db.schemas import ArtifactCreate
from db.snapshots import ArtifactView, JobView, model_needs_of
from db.types import UtcDateTime

jobs = cast(Table, Job.__table__)
events = cast(Table, JobEvent.__table__)

# The claim reads them all (the worker binds the graph from them).
VIEW_COLUMNS = [field.name for field in dataclasses.fields(JobView)]  # every column of the same name
# Set when the job was made, or large and parsed once at the claim: never read back.
_KEPT = {"id", "guild_id", "channel_id", "user_id", "kind", "raw_input", "params", "workflow_name"}
_KEPT |= {"parent_channel_id", "in_private_thread", "queued_at", "parent_id", "posted_graph", "seed_document"}
_KEPT |= {"model_needs"}
# What may change while a job runs here (the front-end records its messages, say): read back when it ends.
_CHANGING = [name for name in VIEW_COLUMNS if name not in _KEPT]


def view_of(row: Sequence[Any], parsed: ParsedParams) -> JobView:
    values = dict(zip(VIEW_COLUMNS, row, strict=False))
    values["params"] = parsed(values["id"], values["kind"], dict(values["params"] or {}))
    values["model_needs"] = model_needs_of(values["model_needs"])
    return JobView(**values)


def changed(job: JobView, row: Sequence[Any]) -> JobView:
    return dataclasses.replace(job, **dict(zip(_CHANGING, row, strict=False)))


def one_of(column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with each value its own parameter: an IN of a list is re-rendered at every
    execution (SQLAlchemy expands it), and these lists are fixed for each statement built."""
    return or_(*(column == value for value in values))


def _with_events(
    step: Any, postgres: bool, count: int, *, notify: bool = False, added: int = 0
) -> Executable:
    """`step` (an UPDATE ... RETURNING) with its `count` event rows, and `added` artifacts (their ids as
    `ids`), written by the same statement on PostgreSQL; only if it changed a row, since they are
    selected from what it returned."""
    if not postgres:
        return step  # type: ignore[no-any-return]
    moved = step.returning(jobs.c.id.label("moved_id")).cte("moved")
    kinds = [
        select(
            bindparam(f"event_kind_{i}").label("kind"),
            bindparam(f"event_detail_{i}", type_=events.c.detail.type).label("detail"),
        )
        for i in range(count)
    ]
    happened = (union_all(*kinds) if count > 1 else kinds[0]).subquery("happened")
    event = insert(events).from_select(
        ["job_id", "at", "kind", "detail"],
        select(
            moved.c.moved_id, bindparam("now", type_=UtcDateTime()), happened.c.kind, happened.c.detail
        ).select_from(moved.join(happened, true())),
    )
    columns = [column for column in moved.c if column.key != "moved_id"]
    if notify:
        columns.append(func.pg_notify(CHANNEL, bindparam("message")).label("notified"))
    if added:
        ids = added_with(moved, added).c.id
        columns.append(select(func.array_agg(aggregate_order_by(ids, ids))).scalar_subquery().label("ids"))
    return select(*columns).add_cte(event.cte("event"))


_EVENT = Precompiled(
    insert(events).values(
        job_id=bindparam("job_id"),
        at=bindparam("now", type_=UtcDateTime()),
        kind=bindparam("event_kind"),
        detail=bindparam("event_detail", type_=events.c.detail.type),
    )
)


Happened = Sequence[tuple[str, dict[str, Any]]]  # (event kind, detail) of a step, in order


def _run_step(
    connection: DriverConnection,
    statement: Precompiled,
    params: dict[str, Any],
    happened: Happened,
) -> tuple[Any, ...] | None:
    """The step's statement, its events with it (PostgreSQL) or after it if it changed a row (SQLite)."""
    if connection.postgres:
        for i, (kind, detail) in enumerate(happened):
            params[f"event_kind_{i}"] = kind
            params[f"event_detail_{i}"] = detail
    rows = connection.rows(statement, params)
    row = rows[0] if rows else None
    if row is not None and not connection.postgres and happened:
        each = [
            {"job_id": params["job_id"], "now": params["now"], "event_kind": k, "event_detail": d}
            for k, d in happened
        ]
        connection.each(_EVENT, each)
    return row


@cache
def _claim(postgres: bool, capped: bool) -> Precompiled:
    where = [jobs.c.id == bindparam("job_id"), jobs.c.status == JobStatus.QUEUED]
    if capped:  # the user's running jobs on other workers, counted after the per-user lock was taken
        elsewhere = (
            select(func.count())
            .select_from(jobs)
            .where(
                jobs.c.guild_id == bindparam("cap_guild"),
                jobs.c.user_id == bindparam("cap_user"),
                jobs.c.status == JobStatus.RUNNING,
                jobs.c.lease_owner != bindparam("worker"),
            )
            .scalar_subquery()
        )
        where.append(elsewhere + bindparam("mine") < bindparam("cap"))
    step = (
        update(jobs)
        .where(*where)
        .values(
            status=JobStatus.RUNNING,
            lease_owner=bindparam("worker"),
            lease_expires_at=bindparam("lease_until", type_=UtcDateTime()),
            attempts=jobs.c.attempts + 1,
            prompt_id=bindparam("prompt_id"),
            backend_url=bindparam("backend"),
            started_at=None,
            updated_at=bindparam("now", type_=UtcDateTime()),
        )
        .returning(*(jobs.c[name] for name in VIEW_COLUMNS))
    )
    return Precompiled(_with_events(step, postgres, 1, notify=True))


# The row locked if still queued (another worker's claim makes this one move on, not wait), and the
# per-user lock that keeps two workers' cap checks for one user apart. PostgreSQL only.
_LOCK_QUEUED = Precompiled(
    text(
        "SELECT guild_id, user_id, pg_advisory_xact_lock(hashtextextended("
        "'claim:' || guild_id::text || ':' || user_id::text, 0)) "
        "FROM (SELECT guild_id, user_id FROM jobs WHERE id = :job_id AND status = 'queued' "
        "FOR UPDATE SKIP LOCKED) AS queued"
    )
)


def claim(
    connection: DriverConnection,
    job_id: int,
    *,
    now: datetime,
    lease_until: datetime,
    worker_id: str,
    prompt_id: str,
    backend: str,
    user_cap: tuple[int, int] | None,
    message: str,
) -> tuple[tuple[Any, ...] | None, bool]:
    """(the claimed job's row or None, whether the user's cap across workers stopped it)."""
    postgres = connection.postgres
    params: dict[str, Any] = {
        "job_id": job_id,
        "now": now,
        "lease_until": lease_until,
        "worker": worker_id,
        "prompt_id": prompt_id,
        "backend": backend,
        "message": message,
    }
    capped = postgres and user_cap is not None
    if postgres:
        found = connection.rows(_LOCK_QUEUED, {"job_id": job_id})
        if not found:
            return None, False
        locked = found[0]
        if user_cap is not None:
            params.update(cap_guild=locked[0], cap_user=locked[1], mine=user_cap[0], cap=user_cap[1])
    happened = [("claimed", {"worker": worker_id, "backend": backend})]
    row = _run_step(connection, _claim(postgres, capped), params, happened)
    # Locked while queued and still not claimed: only the cap can have stopped it.
    return row, row is None and capped


@cache
def _finish(
    postgres: bool, from_statuses: tuple[JobStatus, ...], fields: frozenset[str], count: int, added: int
) -> Precompiled:
    values: dict[str, Any] = {
        "status": bindparam("to_status", type_=jobs.c.status.type),
        "finished_at": func.coalesce(jobs.c.finished_at, bindparam("now", type_=UtcDateTime())),
        # The worker that finished it delivers it: its lease now covers the delivery (renewed while it
        # lasts), so no other worker delivers it again unless this one dies.
        "lease_owner": bindparam("worker"),
        "lease_expires_at": bindparam("lease_until", type_=UtcDateTime()),
        "delivery_state": DeliveryState.DELIVERING,
        "updated_at": bindparam("now", type_=UtcDateTime()),
    }
    for name in fields:
        values[name] = bindparam(name, type_=jobs.c[name].type)
    step = (
        update(jobs)
        .where(jobs.c.id == bindparam("job_id"), one_of(jobs.c.status, from_statuses))
        .values(values)
        .returning(*(jobs.c[name] for name in _CHANGING))
    )
    notify = JobStatus.QUEUED in from_statuses
    return Precompiled(_with_events(step, postgres, count, notify=notify, added=added))


def finish(
    connection: DriverConnection,
    job_id: int,
    from_statuses: Collection[JobStatus],
    to_status: JobStatus,
    *,
    now: datetime,
    lease: tuple[str, datetime],
    fields: dict[str, Any],
    happened: Happened,
    message: str = "",
    artifacts: Sequence[ArtifactCreate] = (),
) -> tuple[tuple[Any, ...], tuple[ArtifactView, ...]] | None:
    """A final status with its events and `artifacts`, its result marked as being delivered by `lease` =
    (worker, until): one statement on PostgreSQL. The changed columns, and the artifacts' views."""
    postgres = connection.postgres
    added = len(artifacts) if postgres else 0
    statement = _finish(postgres, tuple(from_statuses), frozenset(fields), len(happened), added)
    params = {"job_id": job_id, "now": now, **fields, "to_status": to_status, "message": message}
    params.update(worker=lease[0], lease_until=lease[1])
    if added:
        params.update(added_params(artifacts), created_at=now)
    row = _run_step(connection, statement, params, happened)
    if row is None:
        return None
    if added:
        return row, artifact_views(row[-1], artifacts)  # the last column: the artifacts' ids
    return row, insert_artifacts(connection, artifacts, now=now) if artifacts else ()
