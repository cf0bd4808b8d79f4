"""Job rows read as the claim reads them, without the ORM: the queued jobs the position announcer tells their
places, every turn (the job store makes them views, db.repositories.job_steps.view_of, on the loop's thread
where it keeps the parsed parameters)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Executable, Row, bindparam, select
from sqlalchemy.engine import Connection

from db.repositories.job_steps import VIEW_COLUMNS, jobs


@cache
def _views() -> Executable:
    return select(*(jobs.c[name] for name in VIEW_COLUMNS)).where(
        jobs.c.id.in_(bindparam("ids", expanding=True))
    )


def view_rows(connection: Connection, job_ids: Sequence[int]) -> list[Row[Any]]:
    """The rows of those of `job_ids` that exist (a sync connection: see db.repositories.job_steps)."""
    return list(connection.execute(_views(), {"ids": list(job_ids)}))
