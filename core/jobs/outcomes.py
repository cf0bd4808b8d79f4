"""What happens once a job's prompt has ended: the outcome written, retried or handed to delivery."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from background.tasks import BackgroundTasks
from comfy import errors
from comfy.pool import ComfyPool
from core.inputs.store import InputMissing
from core.jobs import failure_texts
from core.jobs.delivery import Delivery
from core.jobs.estimates import Estimates
from core.jobs.failure_events import FailureEvents, ServerFailure
from core.jobs.failure_texts import failure_text
from core.jobs.input_staging import as_backend_failure
from core.jobs.queue_settings import QueueSettings
from core.jobs.refusal_texts import members_value_refused
from core.jobs.runner import ActiveJob, JobRunner, RunOutcome
from core.jobs.saving import Saving
from core.jobs.setbacks import server_lost
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed
from core.kinds import spec_of
from core.safety.screen import ResultScreen, Screened
from core.texts import Text
from core.workflows.trial import is_trial
from db.enums import JobStatus
from db.snapshots import JobView, QueuedJob
from db.units.jobs import JobStore

log = logging.getLogger(__name__)

_TRANSIENT = (errors.BackendUnavailable,)  # PromptLost is one: the backend restarted and forgot it


class Outcomes:
    def __init__(
        self,
        *,
        store: JobStore,
        delivery: Delivery,
        pool: ComfyPool,
        runner: JobRunner,
        saving: Saving,
        estimates: Estimates,
        settings: QueueSettings,
        tasks: BackgroundTasks,
        enqueue: Callable[[QueuedJob, bool], None],
        other_server: Callable[[ActiveJob], bool],
        screen: ResultScreen | None = None,
    ) -> None:
        self._store = store
        self._delivery = delivery
        self._pool = pool
        self._runner = runner
        self._saving = saving
        self._estimates = estimates
        self._settings = settings
        self._tasks = tasks
        self._enqueue = enqueue
        self._other_server = other_server
        self._screen = screen  # the content-safety classifier's look at every result, when it runs
        # Failures that are not their member's doing: the front-end tells the server's managers.
        self.failures = FailureEvents()

    async def settle(self, active: ActiveJob, outcome: RunOutcome) -> None:
        job = active.job
        if outcome.interrupted or active.cancel_requested:
            # A prompt that finished (or was lost with its server) before its cancel reached ComfyUI is
            # still cancelled: its member (or the operator who gave up on it) was told it would be, and
            # nobody waits for its result, nor for a failure that says to try again.
            await self._interrupted(active)
            return
        if outcome.completed is not None:
            await self._complete(active, outcome)
            return
        error = outcome.failed
        assert error is not None  # noqa: S101 - a RunOutcome always carries one of the three
        if isinstance(error, _TRANSIENT):
            await self._server_lost(active, error)
            return
        said = outcome.failed_text or _failure_text(job, error)
        theirs = members_value_refused(error, spec_of(job.params).member_inputs)
        await self.fail(job, said, error.detail, started_at=active.started_wall, members_doing=theirs)

    async def not_posted(self, active: ActiveJob, error: InputMissing | errors.ComfyError) -> None:
        """The job's inputs did not reach its backend, so nothing was posted. A job asked to stop meanwhile
        (here, or of this worker from another process) ends cancelled, whatever went wrong."""
        job = active.job
        asked = await self._store.cancel_request(job.id) if not active.cancel_requested else None
        if active.cancel_requested or asked is not None:
            by = active.cancel_requested_by if asked is None else asked.by_user_id
            await self.cancelled(job, by, started_at=active.started_wall)
        elif isinstance(error, InputMissing):
            log.warning("cannot be posted: %s", error)
            await self.fail(job, failure_texts.INPUT_GONE, str(error))
        elif isinstance(error, errors.UploadRejected):  # this backend refuses the file: another may take it
            log.warning("input refused by %s: %s", active.client.name, error.detail)
            await self.retry(job, error)
        else:
            await self.settle(active, RunOutcome(failed=as_backend_failure(error)))

    async def _server_lost(self, active: ActiveJob, error: errors.ComfyError) -> None:
        """The job's server no longer holds its prompt: the member is told, and the job runs again at once on
        whichever server can take it (the scheduler sends nothing to a server that is down)."""
        job = active.job
        if not isinstance(error, errors.PromptLost) and active.client.connected:
            # Its HTTP failed while its socket is up: nothing new for it until a health check passes.
            self._pool.mark(active.client.name, False, error.detail)
        elapsed_s = self._runner.clocks.elapsed_s(job.id)
        if job.attempts < self._settings.max_attempts:
            update = server_lost(error, elapsed_s=elapsed_s, other_server=self._other_server(active))
            try:
                await self._runner.observer.job_updated(job, update)
            except Exception:
                log.exception("setback update failed")
        await self.retry(job, error, at_once=True, unless_asked=active)

    async def _interrupted(self, active: ActiveJob) -> None:
        job = active.job
        if active.cancel_requested:
            await self.cancelled(job, active.cancel_requested_by, started_at=active.started_wall)
            return
        await self.fail(job, failure_texts.STOPPED, "interrupted", started_at=active.started_wall)

    async def cancelled(self, job: JobView, by_user_id: int | None, *, started_at: datetime | None) -> None:
        """The running job ends cancelled, as `by_user_id` asked."""
        self._runner.clocks.forget(job.id)
        cancelled = await self._store.finish_unsuccessfully(
            job, JobStatus.CANCELLED, event={"by": by_user_id}, started_at=started_at
        )
        if cancelled is not None:
            log.info("cancelled")
            self._delivery.deliver_soon(cancelled, JobCancelled(by_user_id))

    async def _complete(self, active: ActiveJob, outcome: RunOutcome) -> None:
        job = active.job
        assert outcome.completed is not None  # noqa: S101 - checked by the caller
        try:
            records = await self._saving.collect(active, outcome.completed)
        except errors.ComfyError as exc:
            await self.fail(job, _failure_text(job, exc), exc.detail, started_at=active.started_wall)
            return
        if records is None:  # cancelled while it waited for room on the disk
            await self._interrupted(active)
            return
        if not records:
            await self.fail(
                job,
                "The workflow finished but produced no files.",
                "no outputs",
                started_at=active.started_wall,
            )
            return
        screened = await self._screen.screen(job, records) if self._screen else Screened(records, None)
        done = await self._store.succeed(
            job, screened.records, started_at=active.started_wall, safety_action=screened.action
        )
        if done is None:
            log.warning("finished but was no longer running (cancelled?)")
            return
        finished, artifacts = done
        if self._screen is not None:
            await self._screen.report(finished, screened)
        took_s = None
        if self._runner.clocks.first_start(job.id) is not None:
            took_s = self._runner.clocks.elapsed_s(job.id)
        self._runner.clocks.forget(job.id)
        if active.started_at is not None:
            run_s = asyncio.get_running_loop().time() - active.started_at
            self._estimates.finished(job.workflow_name, active.client.name, run_s)
        log.info("succeeded with %d files", len(artifacts))
        self._delivery.deliver_soon(finished, JobCompleted(artifacts, took_s=took_s))

    async def cancel_not_running_here(self, job_id: int, by_user_id: int | None) -> bool:
        """Cancel a job still queued, or ask the worker running it to stop it; True if it was still live."""
        job = await self._store.finish_unsuccessfully(
            job_id,
            JobStatus.CANCELLED,
            from_statuses=(JobStatus.QUEUED,),
            event={"by": by_user_id},
        )
        if job is not None:
            self._delivery.deliver_soon(job, JobCancelled(by_user_id))
            return True
        current = await self._store.get(job_id)
        if current is not None and current.status is JobStatus.RUNNING:
            await self._store.request_cancel(job_id, by_user_id)  # another worker runs it
            return True
        return False

    async def fail(
        self,
        job: JobView,
        said: str | Text,
        detail: str,
        *,
        started_at: datetime | None = None,
        members_doing: bool = False,
    ) -> None:
        """`said`: why, for the member (stored in English; a Text is also delivered in their language).
        `members_doing`: a value they chose was refused, theirs to change: not the server's failure."""
        self._runner.clocks.forget(job.id)
        failed = await self._store.finish_unsuccessfully(
            job,
            JobStatus.FAILED,
            user_message=str(said),
            detail=detail,
            event={"detail": detail[:500]},
            started_at=started_at,
        )
        if failed is not None:
            log.info("failed: %s", detail)
            if not members_doing:
                self.failures.failed(ServerFailure(failed, said, detail))
            text = said if isinstance(said, Text) else None
            self._delivery.deliver_soon(failed, JobFailed(str(said), text=text))

    async def retry(
        self,
        job: JobView,
        error: errors.ComfyError,
        *,
        at_once: bool = False,
        unless_asked: ActiveJob | None = None,
    ) -> None:
        """Run the job again; `at_once` (its server went away: no reason to wait) at the front of its
        member's line, else after the retry back-off. `unless_asked`: the attempt given up, whose cancel may
        be asked while this runs (it is still running here until it returns): then it ends cancelled."""
        if job.attempts >= self._settings.max_attempts:
            said = failure_texts.gave_up(job.attempts)
            if not isinstance(error, errors.BackendUnavailable):
                said = _failure_text(job, error)
            await self.fail(job, said, f"gave up after {job.attempts} attempts: {error.detail}")
            return
        if await self._store.release_for_retry(
            job.id, worker_id=self._settings.worker_id, reason=error.detail
        ):
            if unless_asked is not None and unless_asked.cancel_requested:
                # Nothing runs between this look and the attempt leaving the running set: a later cancel
                # finds the job queued, as any other.
                await self.cancel_not_running_here(job.id, unless_asked.cancel_requested_by)
                return
            log.info("will be retried: %s", error.detail)
            entry = QueuedJob.of(job)
            if at_once:
                # From a task of its own: the job's attempt must first leave the running set.
                self.requeue_later(entry, 0.0, front=True)
            else:
                self.requeue_later(entry, self._settings.retry_backoff_s * job.attempts)

    def requeue_later(self, entry: QueuedJob, delay_s: float, *, front: bool = False) -> None:
        async def requeue() -> None:
            await asyncio.sleep(delay_s)
            self._enqueue(entry, front)

        self._tasks.spawn(requeue(), name=f"requeue-{entry.job_id}")


def _failure_text(job: JobView, error: errors.ComfyError) -> Text:
    """Why, for the member; a workflow ComfyUI refused, or a node that failed as it ran, is also a warning for
    the operator, who alone is told its nodes, inputs, files and exceptions (here, with the job's and
    prompt's ids, in the job's detail, and in /workflows test)."""
    if isinstance(error, errors.PromptRejected):
        log.warning("ComfyUI refused workflow %s (%s): %s", job.workflow_name, error.cause, error.detail)
    elif isinstance(error, errors.ExecutionFailed):
        log.warning("ComfyUI failed running workflow %s: %s", job.workflow_name, error.detail)
    spec = spec_of(job.params)
    return failure_text(
        error, member_inputs=spec.member_inputs, lighter=spec.lighter, technical=is_trial(job)
    )
