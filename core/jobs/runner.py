"""Following one job's prompt on its backend: progress out to the front-end, results into the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from comfy import errors, events
from comfy.artifacts import ArtifactStore, DownloadedOutput, is_out_of_room, remove_job_dir
from comfy.client import ComfyClient
from comfy.progress import GraphProgress
from comfy.run import PromptRun
from core.jobs.artifact_facts import FileFacts, file_facts
from core.jobs.deliverables import deliverables
from core.jobs.setbacks import JobClocks
from core.jobs.updates import (
    JobCancelling,
    JobObserver,
    JobProgress,
    JobSetback,
    JobStarted,
    JobUpdate,
    Setback,
)
from core.jobs.whole_outputs import checked_output
from core.kinds import KindRegistry
from core.texts import Text
from db.schemas import ArtifactCreate
from db.snapshots import JobView

log = logging.getLogger(__name__)

# A progress frame that changes nothing shown is still sent once the last one sent is this old (elapsed time).
RESHOW_AFTER_S = 1.0


@dataclass
class ActiveJob:
    """A job this worker has on a backend right now."""

    job: JobView
    client: ComfyClient
    prompt_id: str
    metadata: dict[str, object]
    cancel_requested_by: int | None = None
    cancel_requested: bool = False
    started_at: float | None = None  # loop time, for elapsed-time display
    started_wall: datetime | None = None  # written with the job's outcome
    done_fraction: float | None = None  # of the whole graph, from its latest progress
    quiet: bool = False  # posted quietly (comfy.quiet): its start is known only at its end
    # Called once when the backend no longer holds the prompt (its slot is free for the next one).
    on_prompt_done: Callable[[], None] = field(default=lambda: None)
    prompt_over: bool = False  # the backend no longer holds it (its results may still be on their way)

    def prompt_ended(self) -> None:
        self.prompt_over = True
        self.on_prompt_done()

    def started(self, at: datetime | None = None) -> None:
        """ComfyUI began the prompt `at` (now if not given); the first time told is the one kept, so a job
        re-attached after a restart goes on counting from its real start."""
        if self.started_wall is not None:
            return
        self.started_wall = at or datetime.now(UTC)
        loop = asyncio.get_running_loop()
        self.started_at = loop.time() - max(0.0, (datetime.now(UTC) - self.started_wall).total_seconds())


@dataclass(frozen=True, slots=True)
class RunOutcome:
    completed: events.Completed | None = None
    failed: errors.ComfyError | None = None
    interrupted: bool = False
    # Why it failed in a member's words, where the core knows better than the error's own (a timeout).
    failed_text: Text | None = None


@dataclass(slots=True)
class _LastShown:
    """What the front-end was last told of a run's progress. ComfyUI says most things twice (a step in
    ``progress_state``, then again in ``progress``; a node in ``progress_state``, then in ``executing``): a
    frame that changes nothing shown is not sent on, unless RESHOW_AFTER_S have passed since the last."""

    clock: Callable[[], float]  # the loop's time
    seen: tuple[object, ...] | None = None
    elapsed_s: float = 0.0
    # When the whole job first started (JobClocks), once this attempt has: the elapsed time counts from it.
    since: float | None = None


def _outcome(event: events.TerminalEvent) -> RunOutcome:
    if isinstance(event, events.Completed):
        return RunOutcome(completed=event)
    if isinstance(event, events.Failed):
        return RunOutcome(failed=event.error)
    return RunOutcome(interrupted=True)


class JobRunner:
    def __init__(
        self,
        observer: JobObserver,
        artifacts: ArtifactStore,
        kinds: KindRegistry,
        *,
        clocks: JobClocks | None = None,
        other_server: Callable[[ActiveJob], bool] = lambda active: False,
    ) -> None:
        self.observer = observer
        self._artifacts = artifacts
        self._kinds = kinds
        self.clocks = clocks or JobClocks()
        self._other_server = other_server  # another server that can run the job is up

    async def follow(self, active: ActiveJob, run: PromptRun) -> RunOutcome:
        """Consume the run's events until it ends; never raises a ComfyError (it is returned instead)."""
        progress = GraphProgress(run.workflow)
        shown = _LastShown(asyncio.get_running_loop().time)
        node = ""
        if active.started_at is not None:  # re-attached to a prompt that began before: count from then
            self.clocks.started(active.job.id, at=active.started_at)
            shown.since = self.clocks.first_start(active.job.id)
        try:
            # Closed here when it ends: a generator left at its last `yield` would be closed by the loop's
            # finalizer hook, a wake of the loop from the collector (call_soon_threadsafe) for each job.
            async with aclosing(aiter(run)) as stream:
                async for event in stream:
                    progress.observe(event)
                    # By exact type, most frequent first: these classes are final, and a chain of isinstance
                    # checks cost ~95 calls a job (an Executed or Queued event went through all of them).
                    kind = type(event)
                    if kind is events.NodeStates or kind is events.NodesCached or kind is events.Preview:
                        preview = event if type(event) is events.Preview else None
                        update = self._progress(active, node, progress, preview, shown)
                    elif type(event) is events.Progress:
                        node = run.class_type(event.node_id) or node
                        update = self._progress(active, node, progress, None, shown)
                    elif type(event) is events.NodeExecuting:
                        node = event.class_type or event.node_id
                        update = self._progress(active, node, progress, None, shown)
                    elif (
                        type(event) is events.Completed
                        or type(event) is events.Failed
                        or type(event) is events.Interrupted
                    ):
                        if type(event) is events.Completed and event.run_s is not None:
                            ran_since = datetime.now(UTC) - timedelta(seconds=event.run_s)
                            active.started(ran_since)  # unless its Started was seen: the first is kept
                        active.prompt_ended()
                        return _outcome(event)
                    elif type(event) is events.Started:
                        active.started()
                        elapsed = self.clocks.started(active.job.id, at=active.started_at)
                        shown.since = self.clocks.first_start(active.job.id)
                        await self._notify(active, JobStarted(elapsed_s=elapsed))
                        shown.seen = None
                        continue
                    elif kind is events.BackendAway:
                        away = JobSetback(
                            Setback.SERVER_AWAY,
                            self.clocks.elapsed_s(active.job.id),
                            self._other_server(active),
                        )
                        await self._notify(active, away)
                        shown.seen = None  # the next progress tells the front-end its server is back
                        continue
                    else:  # Queued, Executed: nothing shown
                        continue
                    if update is not None:
                        await self._notify(active, update)
        except errors.ComfyError as exc:
            active.prompt_ended()
            return RunOutcome(failed=exc)
        active.prompt_ended()
        return RunOutcome(
            failed=errors.BackendUnavailable(f"prompt {active.prompt_id} ended without outcome")
        )

    def _progress(
        self,
        active: ActiveJob,
        node: str,
        progress: GraphProgress,
        preview: events.Preview | None,
        shown: _LastShown,
    ) -> JobProgress | None:
        """The update to send, None when it would show nothing new (see _LastShown)."""
        elapsed = 0.0 if shown.since is None else shown.clock() - shown.since
        active.done_fraction = fraction = progress.fraction
        step, steps, stage = progress.step, progress.steps, progress.stage
        seen = (node, step, steps, fraction, stage)
        if preview is None and seen == shown.seen and elapsed - shown.elapsed_s < RESHOW_AFTER_S:
            return None
        shown.seen, shown.elapsed_s = seen, elapsed
        if preview is None:
            return JobProgress(step, steps, node, elapsed, fraction=fraction, stage=stage)
        return JobProgress(
            step, steps, node, elapsed, preview.image, preview.mime, fraction=fraction, stage=stage
        )

    async def tell_cancelling(self, active: ActiveJob) -> None:
        """Its cancel was asked (here, of this worker by another process, or of its last worker): the
        front-end says so at once, while ComfyUI has yet to stop it."""
        await self._notify(active, JobCancelling(active.cancel_requested_by))

    async def _notify(self, active: ActiveJob, update: JobUpdate) -> None:
        # Progress is best effort: a front-end hiccup must never fail the job.
        try:
            await self.observer.job_updated(active.job, update)
        except Exception:
            log.exception("progress update failed")  # the job's task carries its ids

    async def collect(self, active: ActiveJob, completed: events.Completed) -> list[ArtifactCreate]:
        """Download every output file, make it what the kind delivers, and describe it for the database."""
        job = active.job
        spec = self._kinds.get(job.kind)
        files = [f for f in completed.files if f.type in ("output", "temp")]
        described: dict[Path, FileFacts] = {}  # pictures, by their check (see checked_output)

        def check(path: Path, mime: str, data: bytes | None) -> str | None:  # in the download's thread
            damage, facts = checked_output(path, mime, data)
            if facts is not None:
                described[path] = facts
            return damage

        saved: list[DownloadedOutput] = await self._artifacts.download(
            active.client.http, files, kind=spec.artifact_folder, job_id=job.id, check=check
        )
        if spec.deliverables is not None:  # it may remake a file under the same name: described again
            described.clear()
        data_dir = self._artifacts.data_dir
        try:
            made = await deliverables(spec, data_dir, saved, active.metadata)
        except OSError as exc:  # a video made into an MP4 needs room too
            if not is_out_of_room(exc):
                raise
            await asyncio.to_thread(remove_job_dir, data_dir, saved)
            raise errors.DiskFull(f"cannot make what the job delivers: {exc}") from exc
        records: list[ArtifactCreate] = []
        for item in made:
            path = data_dir / item.path  # joined as it is: no Path built from it first
            facts = described.get(path) or await file_facts(path, media=item.type)
            records.append(
                ArtifactCreate(
                    job_id=job.id,
                    type=item.type,
                    path=item.path.as_posix(),
                    mime_type=item.mime,
                    size_bytes=item.size,
                    sha256=facts.sha256,
                    width=facts.width,
                    height=facts.height,
                    duration_seconds=facts.duration_s,
                    meta=dict(active.metadata),
                )
            )
        return records
