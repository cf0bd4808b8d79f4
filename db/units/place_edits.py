"""A queued job's place, told by a worker that does not own the job, never lands over what the job's owner
showed afterwards: units of work of the job store.

Discord has no conditional edit, so checking that the job is still queued just before the edit is not
enough: the edit can be in flight while another worker claims, runs and delivers the job. So the check and
the edit both happen under a shared per-job advisory lock, and the owner, once the job left the queue (its
status committed), takes the same lock exclusively before its first edit: it waits for any place edit still
in flight, and a place edit that begins afterwards reads a status other than queued and is not sent.

SQLite serves a single process, whose reporter already serialises the edits of a job's message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from background.log_context import log_context
from db.connections import run_unit
from db.enums import JobStatus
from db.models.job import Job
from db.units.outages import is_outage

log = logging.getLogger(__name__)


_KEY = func.hashtextextended(bindparam("key"), 0)
_LOCK_SHARED = select(func.pg_advisory_xact_lock_shared(_KEY))
# Taken and let go in one statement (its own transaction): a lock granted means no place edit is in flight.
_WAIT_EXCLUSIVE = select(func.pg_advisory_xact_lock(_KEY))
_STATUS = select(Job.status).where(Job.id == bindparam("job_id"))


def _locked_status(connection: Connection, job_id: int) -> JobStatus | None:
    """The job's status read after the shared lock is granted: a statement sees the database as of its
    start, so the read is a statement of its own, after the lock's."""
    connection.execute(_LOCK_SHARED, {"key": f"place-edit:{job_id}"})
    status: JobStatus | None = connection.execute(_STATUS, {"job_id": job_id}).scalar()
    return status


# Each place edit holds a pooled connection until Discord answered (a rate-limited edit waits there): a few
# at once, so that claims, leases and results always find a connection in the pool (db.engine: 15).
PLACE_EDITS_AT_ONCE = 3


class JobPlaceEdits:
    _engine: AsyncEngine
    _place_edit_slots: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def while_queued(self, job_id: int) -> AsyncIterator[bool]:
        """True while the job is still queued; the owner's first edit waits until this block ends."""
        if self._engine.dialect.name != "postgresql":
            yield True
            return
        if self._place_edit_slots is None:
            self._place_edit_slots = asyncio.Semaphore(PLACE_EDITS_AT_ONCE)
        checked = False
        try:
            async with self._place_edit_slots, self._engine.begin() as connection:
                # Both statements in one greenlet; a gateway makes one such edit per job it queues.
                status = await connection.run_sync(_locked_status, job_id)
                checked = True
                yield status is JobStatus.QUEUED
        except Exception as error:
            if checked or not is_outage(error):
                raise
            # A place edit that cannot be ordered is not sent: the next turn tells the place again.
            with log_context(job_id=job_id):
                log.info("database unreachable: the job's place is not told now (%s)", error)
            yield False

    async def after_place_edits(self, job_id: int) -> None:
        """Waits for the place edits of the job in flight in any process (call once the job left the
        queue): no place edit sent afterwards lands over this worker's."""
        if self._engine.dialect.name != "postgresql":
            return
        key = f"place-edit:{job_id}"
        try:  # every job's first edit once it left the queue: one statement, no BEGIN or COMMIT around it
            await run_unit(
                self._engine,
                lambda connection: connection.execute(_WAIT_EXCLUSIVE, {"key": key}).scalar(),
                scope="statement",
            )
        except Exception as error:
            if not is_outage(error):
                raise
            # Nothing to wait for: a place edit holds its lock on a connection the outage cut, and none
            # can begin without the database. A result is not held back by an outage.
            with log_context(job_id=job_id):
                log.warning("database unreachable: this edit does not wait for place edits (%s)", error)
