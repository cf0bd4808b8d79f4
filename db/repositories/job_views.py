"""Jobs read as the claim reads them (db.repositories.job_steps.view_of), without the ORM: the queued jobs
the position announcer tells their places, every turn."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.engine import Connection

from db.repositories.job_steps import VIEW_COLUMNS, jobs, view_of
from db.snapshots import JobView, ParamsReader


@cache
def _views() -> Executable:
    return select(*(jobs.c[name] for name in VIEW_COLUMNS)).where(
        jobs.c.id.in_(bindparam("ids", expanding=True))
    )


def views(connection: Connection, job_ids: Sequence[int], read_params: ParamsReader) -> list[JobView]:
    """Those of `job_ids` that exist (a sync connection: see db.repositories.job_steps)."""
    return [view_of(row, read_params) for row in connection.execute(_views(), {"ids": list(job_ids)})]
