"""Every database unit of work the job service needs, each in its own session and transaction.

The repositories never commit; this is the one place that decides where a transaction begins and ends.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.connections import run_unit
from db.driver_units import run_driver_unit
from db.enums import JobStatus, SafetyAction
from db.parsed_params import ParsedParams
from db.repositories import job_steps as steps
from db.repositories import job_views
from db.repositories.job_create import add_inputs, create_job
from db.repositories.job_events import JobEventRepository
from db.repositories.job_recovery import JobRecoveryRepository
from db.repositories.jobs import ActiveCounts, JobRepository
from db.schemas import ArtifactCreate, JobCreate, JobInputCreate
from db.snapshots import ArtifactView, JobView, ParamsReader, QueuedJob, model_needs_of
from db.types import utcnow
from db.units.job_claims import JobRoundClaims
from db.units.job_delivery import JobDeliveryRecords
from db.units.job_leases import JobLeases
from db.units.outages import through_outages
from db.units.place_edits import JobPlaceEdits
from db.units.same_presses import SamePresses
from db.units.unbroken import unbroken
from db.worker_messages import (
    JobGoneMessage,
    JobQueuedMessage,
    message_text,
    tell,
)

log = logging.getLogger(__name__)


def _started(started_at: datetime | None) -> dict[str, Any]:
    return {} if started_at is None else {"started_at": started_at}


# Given the new job's id, keeps its input files and returns their records (see JobStore.create).
InputRecords = Callable[[int], Awaitable[Sequence[JobInputCreate | Mapping[str, Any]]]]


class UserAtCap(Exception):
    """Jobs of this user held by other workers already fill the user's running cap."""


class JobStore(JobLeases, JobDeliveryRecords, JobPlaceEdits, JobRoundClaims, SamePresses):
    """New jobs, claims and outcomes here; the rest in the classes it builds on (a round's claims too)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        read_params: ParamsReader,
        *,
        worker_id: str = "",
        lease_s: float = 30.0,
    ) -> None:
        self.sessions = sessions
        # The steps every job takes run as Core statements on the engine, without an ORM session.
        self._engine: AsyncEngine = sessions.kw["bind"]
        # Reads each job's stored parameters back into its kind's typed model (once a job for the views).
        self.read_params = read_params
        self._parsed = ParsedParams(read_params)
        self.worker_id = worker_id
        self.lease_s = lease_s

    @unbroken
    async def create(
        self,
        data: JobCreate,
        *,
        admit: Callable[[ActiveCounts], None] | None = None,
        inputs: InputRecords | None = None,
        press_window: timedelta = timedelta(0),
    ) -> JobView:
        """Insert a queued job. `admit` first sees the user's live jobs in the guild, counted in the same
        transaction under a per-user lock (two requests cannot both take the last slot), and may refuse by
        raising. `inputs` keeps the job's input files once its id is known and returns their records, which
        are written in the same transaction: no worker ever sees the job without them. A job made by a press
        on a result raises SamePress instead when that press made one still live (see `create_job`)."""
        queued = JobQueuedMessage(
            sender=self.worker_id,
            job_id=0,  # written by the statement that makes the job
            guild_id=data.guild_id,
            user_id=data.user_id,
            workflow_name=data.workflow_name,
            model_needs=list(model_needs_of(data.model_needs)),
        )

        def make(connection: Connection) -> Row[Any]:
            row, counts = create_job(
                connection,
                data,
                now=utcnow(),
                count_user=admit is not None,
                message=message_text(queued),
                press_window=press_window,
            )
            if admit is not None and counts is not None:
                admit(counts)  # a refusal rolls the job back
            return row

        if inputs is None:
            # `admit` runs on the loop's thread: it takes from the guild's rate bucket, which lives there.
            row = await run_unit(self._engine, make, scope="transaction", on_loop=admit is not None)
        else:  # the files are kept once the job's id is known, before the transaction commits
            async with self._engine.begin() as connection:
                row = await connection.run_sync(make)
                records = await inputs(row.id)
                await connection.run_sync(lambda sync: add_inputs(sync, records))
        return steps.view_of(row, self._parsed)

    @unbroken
    async def active_counts_for_user(self, guild_id: int, user_id: int) -> ActiveCounts:
        """The user's live jobs in the guild, for a look at their caps (`create` counts again, locked)."""
        async with self.sessions() as session:
            return await JobRepository(session).active_counts_for_user(guild_id, user_id)

    @unbroken
    async def get(self, job_id: int, *, guild_id: int | None = None) -> JobView | None:
        async with self.sessions() as session:
            job = await JobRepository(session).get(job_id, guild_id=guild_id)
            return JobView.of(job, self.read_params) if job else None

    @unbroken
    async def get_with_artifacts(
        self, job_id: int, *, guild_id: int | None = None
    ) -> tuple[JobView, tuple[ArtifactView, ...]] | None:
        async with self.sessions() as session:
            job = await JobRepository(session).get_with_artifacts(job_id, guild_id=guild_id)
            if job is None:
                return None
            return JobView.of(job, self.read_params), tuple(ArtifactView.of(a) for a in job.artifacts)

    @unbroken
    async def views(self, job_ids: list[int]) -> list[JobView]:
        rows = await run_unit(
            self._engine, lambda connection: job_views.view_rows(connection, job_ids), scope="statement"
        )
        return [steps.view_of(row, self._parsed) for row in rows]

    @unbroken
    async def queued_jobs(self) -> list[QueuedJob]:
        async with self.sessions() as session:
            rows = await JobRecoveryRepository(session).queued_with_workflow()
            return [QueuedJob(*row[:4], model_needs_of(row[4])) for row in rows]

    @unbroken
    async def claim(
        self,
        job_id: int,
        *,
        worker_id: str,
        prompt_id: str,
        backend: str,
        lease_s: float,
        user_cap: tuple[int, int] | None = None,
    ) -> JobView | None:
        """Queued → running, with the prompt id and backend written before anything is posted.

        On Postgres the row is taken with SKIP LOCKED (another worker claiming it makes us move on, not
        wait), and `user_cap` = (this worker's other running jobs of the user, the cap) is checked against
        the jobs other workers hold, under a per-user advisory lock; UserAtCap if they fill it.
        """
        now = utcnow()
        message = message_text(JobGoneMessage(sender=self.worker_id, job_id=job_id))
        row, at_cap = await run_driver_unit(
            self._engine,
            lambda connection: steps.claim(
                connection,
                job_id,
                now=now,
                lease_until=now + timedelta(seconds=lease_s),
                worker_id=worker_id,
                prompt_id=prompt_id,
                backend=backend,
                user_cap=user_cap,
                message=message,
            ),
            scope="transaction",
        )
        if at_cap:
            raise UserAtCap(f"a user of job {job_id} is at their cap across workers")
        return None if row is None else steps.view_of(row, self._parsed)

    @unbroken
    @through_outages
    async def succeed(
        self,
        job: JobView,
        artifacts: Sequence[ArtifactCreate],
        *,
        started_at: datetime | None = None,
        safety_action: SafetyAction | None = None,
    ) -> tuple[JobView, tuple[ArtifactView, ...]] | None:
        """Running → succeeded together with its artifacts, or nothing at all.

        One transaction per outcome: when ComfyUI started the prompt (`started_at`) is written here too,
        and the result is marked as being delivered, since delivery starts at once. `job` is the snapshot
        taken at the claim: what may have changed since is read back, nothing else.
        """
        happened: list[tuple[str, dict[str, Any]]] = []
        if started_at is not None:
            happened.append(("started", {"at": started_at.isoformat()}))
        happened.append(("succeeded", {"artifacts": len(artifacts)}))
        now = utcnow()
        lease = (self.worker_id, now + timedelta(seconds=self.lease_s))
        fields = {**_started(started_at), "safety_action": safety_action}
        done = await run_driver_unit(  # one statement with its events and artifacts (PostgreSQL)
            self._engine,
            lambda connection: steps.finish(
                connection,
                job.id,
                (JobStatus.RUNNING,),
                JobStatus.SUCCEEDED,
                now=now,
                lease=lease,
                fields=fields,
                happened=happened,
                artifacts=artifacts,
            ),
            scope="statement",
        )
        if done is None:
            return None
        return steps.changed(job, done[0]), done[1]

    @unbroken
    @through_outages
    async def finish_unsuccessfully(
        self,
        job: JobView | int,
        status: JobStatus,
        *,
        from_statuses: Sequence[JobStatus] = (JobStatus.RUNNING,),
        user_message: str | None = None,
        detail: str | None = None,
        event: dict[str, Any] | None = None,
        started_at: datetime | None = None,
    ) -> JobView | None:
        """A final status other than success; given the job's snapshot, only what changed is read back."""
        job_id = job if isinstance(job, int) else job.id
        fields = _started(started_at)
        if user_message is not None:
            fields["error_message"] = user_message
        if detail is not None:
            fields["error_detail"] = detail[:10_000]
        message = ""
        if JobStatus.QUEUED in from_statuses:
            message = message_text(JobGoneMessage(sender=self.worker_id, job_id=job_id))
        now = utcnow()
        lease = (self.worker_id, now + timedelta(seconds=self.lease_s))
        done = await run_driver_unit(  # one statement with its event (PostgreSQL)
            self._engine,
            lambda connection: steps.finish(
                connection,
                job_id,
                tuple(from_statuses),
                status,
                now=now,
                lease=lease,
                fields=fields,
                happened=[(status.value, event or {})],
                message=message,
            ),
            scope="statement",
        )
        if done is None:
            return None
        if isinstance(job, int):  # nothing known of it yet: read it whole
            return await self.get(job_id)
        return steps.changed(job, done[0])

    @unbroken
    @through_outages
    async def release_for_retry(self, job_id: int, *, worker_id: str, reason: str) -> bool:
        async with self.sessions.begin() as session:
            jobs = JobRepository(session)
            released = await jobs.release(job_id, worker_id)
            if released:
                await JobEventRepository(session).record(job_id, "retry", {"reason": reason[:500]})
                job = await jobs.get(job_id)
                if job is not None:
                    await tell(session, JobQueuedMessage.of(self.worker_id, job))
            return released
