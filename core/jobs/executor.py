"""Running one job the scheduler placed on a backend: claim it, bind its workflow, submit, follow to the end.

The job is claimed (queued → running, prompt id and backend written) before anything is posted, so a crash
in between leaves a job another start can re-attach to instead of one that runs twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from background.log_context import bind_log_context, log_context
from background.tasks import BackgroundTasks
from comfy import errors
from comfy.client import ComfyClient
from comfy.run import PromptRun
from comfy.workflows.catalogue import WorkflowCatalogue
from core.inputs.store import InputMissing
from core.jobs import failure_texts
from core.jobs.claims import Claims, Placed
from core.jobs.estimates import PromptOnBackend
from core.jobs.input_staging import InputStaging
from core.jobs.kind_limits import KindLimits
from core.jobs.outcomes import Outcomes
from core.jobs.posting import GraphToPost, graph_to_post
from core.jobs.queue_settings import QueueSettings
from core.jobs.run_times import RunTimes
from core.jobs.runner import ActiveJob, JobRunner, RunOutcome
from core.jobs.scheduler import Assignment, Scheduler
from core.kinds import KindRegistry
from core.queue.limits import GuildLimits
from db.snapshots import JobView, QueuedJob
from db.units.jobs import JobStore

log = logging.getLogger(__name__)


class Executor:
    def __init__(
        self,
        *,
        store: JobStore,
        clients: dict[str, ComfyClient],
        catalogue: WorkflowCatalogue,
        kinds: KindRegistry,
        runner: JobRunner,
        outcomes: Outcomes,
        scheduler: Scheduler,
        settings: QueueSettings,
        tasks: BackgroundTasks,
        limits_for: Callable[[int], GuildLimits],
        inputs: InputStaging,
        run_times: RunTimes,
        on_left: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._run_times = run_times
        # A job left `active` while GLOBAL_MAX_RUNNING were: the next one may start only now (its backend
        # place was freed, and the dispatcher woken, when its prompt ended, while it still counted).
        self._on_left = on_left
        self._inputs = inputs
        self._clients = clients
        self._catalogue = catalogue
        self._kinds = kinds
        self._runner = runner
        self._outcomes = outcomes
        self._scheduler = scheduler
        self._settings = settings
        self._tasks = tasks
        self._kind_limits = KindLimits(kinds, catalogue, settings)
        self.claims = Claims(
            store=store, scheduler=scheduler, outcomes=outcomes, settings=settings, limits_for=limits_for
        )
        self.active: dict[int, ActiveJob] = {}  # the jobs this worker has on a backend right now
        # Told once a job's prompt is on its server, before it is followed (the job's message says it
        # waits there: core.jobs.positions.PositionAnnouncer.tell_sent, set by the dispatcher).
        self.on_sent: Callable[[JobView], Awaitable[None]] = _nothing

    async def start(self, entry: QueuedJob, client: ComfyClient, release: Callable[[], None]) -> None:
        """Run in a task of its own: the job's ids are this task's log context."""
        prompt_id = str(uuid.uuid4())
        bind_log_context(
            job_id=entry.job_id, guild_id=entry.guild_id, user_id=entry.user_id, prompt_id=prompt_id
        )
        job = await self.claims.one(Placed(entry, client.name, prompt_id, release))
        if job is not None:
            await self._run(job, client, prompt_id, release)

    async def start_round(self, ready: Sequence[Assignment]) -> None:
        """Jobs placed at the same moment: claimed in one transaction, then each run in a task of its own
        (its ids its log context), in the order placed: every backend's running place comes first."""
        round_ = [Placed(a.entry, a.backend, str(uuid.uuid4()), a.release) for a in ready]
        for placed, job in zip(round_, await self.claims.round(round_), strict=True):
            if job is not None:
                client = self._clients[placed.backend]
                run = self._run_claimed(job, client, placed.prompt_id, placed.release)
                self._tasks.spawn(run, name=f"job-{job.id}")

    async def _run_claimed(
        self, job: JobView, client: ComfyClient, prompt_id: str, release: Callable[[], None]
    ) -> None:
        bind_log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id, prompt_id=prompt_id)
        await self._run(job, client, prompt_id, release)

    async def _run(
        self, job: JobView, client: ComfyClient, prompt_id: str, release: Callable[[], None]
    ) -> None:
        """A claimed job bound, posted and followed to its end."""
        bound = self.bind(job)
        if bound is None:
            release()
            return
        active = ActiveJob(job, client, prompt_id, bound.metadata, on_prompt_done=release)
        self.active[job.id] = active
        try:
            graph = await self._staged(active, bound.graph)
            if graph is None:
                return
            try:
                active.quiet = self._over_before_shown(job, client)
                run = await client.submit(graph, prompt_id, quiet=active.quiet)
            except errors.ComfyError as exc:
                release()
                await self._outcomes.settle(active, RunOutcome(failed=exc))
                return
            log.info("submitted to %s", client.name)
            await self.on_sent(job)
            await self.follow(active, run)
        finally:
            release()
            self._left(job.id)

    def _over_before_shown(self, job: JobView, client: ComfyClient) -> bool:
        """Whether the job is quick enough there to be posted quietly (QueueSettings.quiet_below_s)."""
        took_s = self._run_times.learned_s(job.workflow_name, client.name)
        return took_s is not None and took_s < self._settings.quiet_below_s

    def _left(self, job_id: int) -> None:
        """The job is no longer `active`. The dispatcher looks again only if the global cap held jobs back:
        its place on the backend was given back (and the dispatcher woken) when its prompt ended."""
        at_cap = len(self.active) >= self._settings.global_max_running
        self.active.pop(job_id, None)
        if at_cap:
            self._on_left()

    async def _staged(self, active: ActiveJob, graph: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The graph with the job's inputs uploaded to its backend; None if the job cannot be posted now
        (settled: failed, moved on or cancelled; the backend's place freed at once, nothing was posted)."""
        release = active.on_prompt_done
        try:
            staged = await self._inputs.graph_for(active.job.id, graph, active.client)
        except (InputMissing, errors.ComfyError) as exc:
            release()
            await self._outcomes.not_posted(active, exc)
            return None
        if active.cancel_requested:  # asked while the inputs were on their way: post nothing
            release()
            await self._outcomes.settle(active, RunOutcome(interrupted=True))
            return None
        return staged

    def bind(self, job: JobView) -> GraphToPost | None:
        try:
            return graph_to_post(job, self._catalogue, self._kinds)
        except Exception as exc:  # a workflow removed or changed since the job was queued
            log.exception("cannot be bound")
            self._tasks.spawn(
                self._outcomes.fail(job, failure_texts.WORKFLOW_GONE, repr(exc)),
                name=f"fail-{job.id}",
            )
            return None

    async def follow(self, active: ActiveJob, run: PromptRun) -> None:
        timeout_s = self._kind_limits.timeout_s(active.job.kind)
        try:
            async with asyncio.timeout(timeout_s):  # in this task: wait_for would start another per job
                outcome = await self._runner.follow(active, run)
        except TimeoutError:
            log.warning("timed out")
            await self._cancel_on_backend(active, "cancel after timeout")
            if active.cancel_requested:  # asked to stop before its time ran out: that is what it was
                await self._outcomes.settle(active, RunOutcome(interrupted=True))
                return
            minutes = max(1, round(timeout_s / 60))
            said = failure_texts.timed_out(minutes, self._kinds.get(active.job.kind).lighter)
            outcome = RunOutcome(
                failed=errors.TimedOut(
                    f"prompt {active.prompt_id} exceeded {timeout_s} s", user_message=str(said)
                ),
                failed_text=said,
            )
        await self._outcomes.settle(active, outcome)

    async def reattach(self, job: JobView) -> None:
        """Follow a running job's prompt on its backend (after a restart, or taken from a dead worker)."""
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id, prompt_id=job.prompt_id):
            await self._reattach(job)

    async def _reattach(self, job: JobView) -> None:
        if job.id in self.active:  # ours already (a lease we handed over, then took back at start)
            return
        client = self._clients.get(job.backend_url or "")
        bound = self.bind(job)
        if bound is None:
            return
        prompt_id = job.prompt_id
        # Its last worker was asked to cancel it and stopped before ComfyUI confirmed: it is stopped here.
        asked = await self._store.cancel_request(job.id)
        if client is None or prompt_id is None:
            if asked is not None:
                await self._outcomes.cancelled(job, asked.by_user_id, started_at=job.started_at)
                return
            await self._outcomes.retry(job, errors.PromptLost(f"job {job.id} has no backend to re-attach to"))
            return
        entry = QueuedJob.of(job)
        release = self._scheduler.reserve(client.name, entry)
        active = ActiveJob(job, client, prompt_id, bound.metadata, on_prompt_done=release)
        if job.started_at is not None:  # written when the last worker handed it over
            active.started(job.started_at)
        if asked is not None:
            active.cancel_requested, active.cancel_requested_by = True, asked.by_user_id
        self.active[job.id] = active
        run = await client.attach(prompt_id, bound.graph)
        log.info("re-attached to %s%s", client.name, "; its cancel was asked: stopping it" if asked else "")

        async def follow() -> None:
            try:
                await self.follow(active, run)
            finally:
                release()
                self._left(job.id)

        self._tasks.spawn(follow(), name=f"job-{job.id}")
        if asked is not None:
            await self._runner.tell_cancelling(active)
            self._tasks.spawn(self._cancel_on_backend(active, "cancel"), name=f"cancel-{job.id}")

    def prompts(self, *, skip: Callable[[int], bool], on: str | None = None) -> list[PromptOnBackend]:
        """This worker's prompts on the servers (`skip`: jobs whose prompt is done, waiting to be saved),
        or only those on the server named `on`."""
        loop_now = asyncio.get_running_loop().time()
        prompts: list[PromptOnBackend] = []
        seen_on: set[str] = set()
        for active in self.active.values():
            if (on is not None and active.client.name != on) or skip(active.job.id):
                continue
            # A quiet job is never told it started: the first of ours still on its server counts as running
            # (in the order sent, which is the order it runs them), or a job behind it would hear it waits.
            first_there = not active.prompt_over and active.client.name not in seen_on
            if not active.prompt_over:
                seen_on.add(active.client.name)
            prompts.append(
                PromptOnBackend(
                    active.client.name,
                    active.job.workflow_name,
                    running=active.started_at is not None or (active.quiet and first_there),
                    elapsed_s=0.0 if active.started_at is None else loop_now - active.started_at,
                    done_fraction=active.done_fraction,
                    job_id=active.job.id,
                )
            )
        return prompts

    async def cancel(self, job_id: int, by_user_id: int | None) -> bool:
        """Stop a job running here; False if this worker does not run it. Returns once the cancel is kept
        with the job, not when ComfyUI confirms it (that may take its `cancel_timeout_s`): the job ends
        cancelled when its prompt does, as its message says."""
        active = self.active.get(job_id)
        if active is None:
            return False
        active.cancel_requested, active.cancel_requested_by = True, by_user_id
        with log_context(prompt_id=active.prompt_id):
            await self._runner.tell_cancelling(active)
            # Kept with the job first: if this worker stops before ComfyUI confirms, the next one stops it.
            await self._store.request_cancel(job_id, by_user_id, tell_workers=False)
            self._tasks.spawn(self._cancel_on_backend(active, "cancel"), name=f"cancel-{job_id}")
        return True

    async def _cancel_on_backend(self, active: ActiveJob, what: str) -> None:
        try:
            await active.client.cancel(active.prompt_id)
        except errors.ComfyError as exc:
            log.warning("%s failed: %s", what, exc.detail)


async def _nothing(job: JobView) -> None:
    return None
