"""Moving jobs' delivery states: every job's last step (delivered, or given up), and its start for a result
delivered again."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update

from db.compiled import Precompiled
from db.driver_units import DriverConnection
from db.enums import UNDELIVERED, DeliveryState
from db.repositories.job_steps import jobs, one_of
from db.types import UtcDateTime


@cache
def _mark_delivery(from_states: tuple[DeliveryState, ...], over: bool) -> Precompiled:
    values: dict[str, Any] = {
        "delivery_state": bindparam("to_state", type_=jobs.c.delivery_state.type),
        "updated_at": bindparam("now", type_=UtcDateTime()),
    }
    if over:  # nothing edits the response through its token any more
        values["interaction_token"] = None
    return Precompiled(
        update(jobs)
        .where(jobs.c.id == bindparam("job_id"), one_of(jobs.c.delivery_state, from_states))
        .values(values)
    )


def mark_delivery(
    connection: DriverConnection,
    job_id: int,
    from_states: Collection[DeliveryState],
    to: DeliveryState,
    *,
    now: datetime,
) -> bool:
    """The job's delivery state moved to `to` if it is one of `from_states`; True if it was."""
    statement = _mark_delivery(tuple(from_states), to not in UNDELIVERED)
    return bool(connection.count(statement, {"job_id": job_id, "to_state": to, "now": now}))


def mark_deliveries(
    connection: DriverConnection,
    job_ids: Collection[int],
    from_states: Collection[DeliveryState],
    to: DeliveryState,
    *,
    now: datetime,
) -> None:
    """Each job's delivery state moved to `to` where it is one of `from_states`, in one trip (one statement
    run for each job: on PostgreSQL, asyncpg sends them together and applies all or none)."""
    statement = _mark_delivery(tuple(from_states), to not in UNDELIVERED)
    connection.each(statement, [{"job_id": job_id, "to_state": to, "now": now} for job_id in job_ids])
