"""What is written of a job's delivery as the front end goes (its messages, its uploaded files, its events)
as prebuilt Core statements on a sync connection, one unit of work each (db.connections.run_unit).

Every delivered job writes some of them (each file uploaded, say), so they skip the ORM session: on SQLite a
unit is one trip to aiosqlite's thread where a session took one per statement, plus its commit and close.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, exists, insert, select, update
from sqlalchemy.engine import Connection

from db.models import Artifact, Job, JobEvent
from db.schemas import JobEventCreate, validated
from db.types import UtcDateTime

_JOBS = cast(Table, Job.__table__)
_EVENTS = cast(Table, JobEvent.__table__)
_ARTIFACTS = cast(Table, Artifact.__table__)

_UPLOADED = (
    update(_ARTIFACTS)
    .where(_ARTIFACTS.c.id == bindparam("artifact_id"))
    .values(discord_message_id=bindparam("message_id"), attachment_url=bindparam("url"))
)
_EVENT = insert(_EVENTS).values(
    job_id=bindparam("job_id"),
    at=bindparam("now", type_=UtcDateTime()),
    kind=bindparam("kind"),
    detail=bindparam("detail", type_=_EVENTS.c.detail.type),
)
# The job's row locked: two deliveries of one job (a worker taking over) claim an event one at a time.
_LOCK_JOB = select(_JOBS.c.id).where(_JOBS.c.id == bindparam("job_id")).with_for_update()
_HAS_EVENT = select(
    exists().where(_EVENTS.c.job_id == bindparam("job_id"), _EVENTS.c.kind == bindparam("kind"))
)


def mark_uploaded(connection: Connection, message_id: int, uploads: Sequence[tuple[int, str]]) -> None:
    """Where one message's files were posted: (artifact id, the attachment's address) each, in one execution
    of many; an artifact no longer there is passed over."""
    params = [
        {"artifact_id": artifact_id, "message_id": message_id, "url": url} for artifact_id, url in uploads
    ]
    connection.execute(_UPLOADED, params)


@cache
def _set_message_ids(names: tuple[str, ...]) -> Executable:
    values: dict[str, Any] = {name: bindparam(name) for name in names}
    return (
        update(_JOBS)
        .where(_JOBS.c.id == bindparam("job_id"))
        .values(updated_at=bindparam("now", type_=UtcDateTime()), **values)
    )


def set_message_ids(
    connection: Connection,
    job_id: int,
    *,
    now: datetime,
    response_message_id: int | None = None,
    channel_message_id: int | None = None,
) -> None:
    """The ids given (None: that one stays as it is)."""
    given = {"response_message_id": response_message_id, "channel_message_id": channel_message_id}
    ids = {name: value for name, value in given.items() if value is not None}
    connection.execute(_set_message_ids(tuple(ids)), {"job_id": job_id, "now": now, **ids})


def record_event(
    connection: Connection, job_id: int, kind: str, detail: Mapping[str, Any] | None, *, now: datetime
) -> None:
    """The event row, checked as JobEventRepository.record checks it (InvalidInput if it is not valid)."""
    checked = validated(JobEventCreate, {"job_id": job_id, "kind": kind, "detail": dict(detail or {})})
    params = {"job_id": checked.job_id, "now": now, "kind": checked.kind, "detail": checked.detail}
    connection.execute(_EVENT, params)


def claim_event(connection: Connection, job_id: int, kind: str, *, now: datetime) -> bool:
    """Records the job's event `kind` unless it has one already: True if this call recorded it. The lock
    and the check are statements of their own: a statement sees the database as of its start, and a claim
    that waited for the lock must see the event the claim before it committed."""
    connection.execute(_LOCK_JOB, {"job_id": job_id})
    if connection.execute(_HAS_EVENT, {"job_id": job_id, "kind": kind}).scalar():
        return False
    record_event(connection, job_id, kind, None, now=now)
    return True
