"""The one loop that hands queued jobs to backends: fair, within limits, and pipelined.

Each backend holds its running prompt plus `prequeue_depth` waiting ones, so when a prompt finishes ComfyUI
starts the next at once; which job fills a freed place is still decided here, fairly. The loop sleeps on an
`asyncio.Event` and wakes the moment a job is queued or a place frees up: no polling.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from comfy import errors
from comfy.artifacts import ArtifactStore
from comfy.client import ComfyClient
from comfy.pool import BackendHealth, ComfyPool
from comfy.run import PromptRun
from comfy.tasks import BackgroundTasks
from comfy.workflows.catalogue import WorkflowCatalogue
from core.jobs.capabilities import Capabilities
from core.jobs.delivery import Delivery
from core.jobs.eta import EtaEstimator
from core.jobs.posting import GraphToPost, graph_to_post
from core.jobs.runner import ActiveJob, JobRunner, RunOutcome
from core.jobs.settings import QueueSettings
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed, JobObserver, JobQueued
from core.kinds import KindRegistry
from core.queue.fair_queue import FairQueue, QueuedJob
from core.queue.limits import GuildLimits
from db.enums import JobStatus
from db.notify import JobListener
from db.snapshots import JobView
from db.units.jobs import JobStore, QueuedEntry, UserAtCap
from db.units.leases import LeaseHandover
from db.units.outages import is_outage

log = logging.getLogger(__name__)

_TRANSIENT = (errors.BackendUnavailable,)  # PromptLost is one: the backend restarted and forgot it


class Dispatcher:
    def __init__(
        self,
        *,
        store: JobStore,
        pool: ComfyPool,
        catalogue: WorkflowCatalogue,
        kinds: KindRegistry,
        artifacts: ArtifactStore,
        observer: JobObserver,
        settings: QueueSettings,
        limits_for: Callable[[int], GuildLimits],
        listen_url: str | None = None,
    ) -> None:
        self.store = store
        self._listen_url = listen_url
        self.pool = pool
        self.catalogue = catalogue
        self.kinds = kinds
        self.settings = settings
        self.capabilities = Capabilities(pool, catalogue)
        self.eta = EtaEstimator(kinds)
        self._limits_for = limits_for
        self._tasks = BackgroundTasks("dispatcher")
        # Their own keeper: at shutdown they are given time to finish while everything else stops.
        self._deliveries = BackgroundTasks("deliveries")
        self._handover = LeaseHandover(store.sessions)
        self.delivery = Delivery(
            store,
            observer,
            self._deliveries,
            attempts=settings.delivery_attempts,
            backoff_s=settings.delivery_backoff_s,
        )
        self._observer = observer
        self._runner = JobRunner(observer, artifacts, kinds)
        self._queue = FairQueue()
        self._entries: dict[int, QueuedEntry] = {}
        self._active: dict[int, ActiveJob] = {}
        self._slots: Counter[str] = Counter()
        self._user_running: Counter[tuple[int, int]] = Counter()
        self._clients = {client.name: client for client in pool.clients}
        self._held_users: set[tuple[int, int]] = set()
        # Jobs whose workflow no backend offers right now, set aside so the scheduler does not look at
        # them on every turn; they go back in line when the backends' capabilities change.
        self._parked: dict[int, QueuedEntry] = {}
        self._wake = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        await self.capabilities.refresh()
        await self.recover()
        self._tasks.spawn(self._loop(), name="dispatcher-loop")
        self._tasks.spawn(self._lease_loop(), name="dispatcher-leases")
        self._tasks.spawn(self._capability_loop(), name="dispatcher-capabilities")
        self._tasks.spawn(self._health_watch(), name="dispatcher-health-watch")
        self._tasks.spawn(self._position_loop(), name="dispatcher-positions")
        if self._listen_url is not None:
            listener = JobListener(self._listen_url, self._on_notification, on_reconnect=self._resync_soon)
            self._tasks.spawn(listener.run(), name="dispatcher-listener")
            self._tasks.spawn(self._resync_loop(), name="dispatcher-resync")

    async def close(self) -> None:
        """Stop taking jobs; let deliveries under way finish (within `shutdown_grace_s`); hand the running
        jobs back with their start times, so the next worker takes them over at once and counts on."""
        running = {job_id: active.started_wall for job_id, active in self._active.items()}
        await self._tasks.close()
        unfinished = await self._deliveries.drain(self.settings.shutdown_grace_s)
        if unfinished:
            log.warning("%d deliveries did not finish in time; they are made at the next start", unfinished)
        if not running:
            return
        try:
            handed = await self._handover.hand_over(self.settings.worker_id, running)
        except Exception as error:  # stopping goes on: their leases run out by themselves
            log.warning("could not hand the running jobs over (%s); their leases run out instead", error)
            return
        log.info("handed %d running jobs over to the next worker: %s", len(handed), handed)

    # -- the queue ---------------------------------------------------------------------------------

    @property
    def backend_count(self) -> int:
        return len(self._clients)

    def queued_count(self) -> int:
        return len(self._queue) + len(self._parked)

    def running_count(self) -> int:
        return len(self._active)

    def enqueue(self, entry: QueuedEntry, *, front: bool = False) -> None:
        """Add a persisted queued job (its place: `position`)."""
        if entry.job_id in self._active or entry.job_id in self._parked:
            return
        self._entries[entry.job_id] = entry
        self._queue.push(QueuedJob(entry.job_id, entry.guild_id, entry.user_id), front=front)
        self._wake.set()

    def position(self, job_id: int) -> int | None:
        return self._queue.position(job_id)

    def started(self, job_id: int) -> bool | None:
        """Whether its ComfyUI server has begun the job (None: this worker has not sent it anywhere)."""
        active = self._active.get(job_id)
        return None if active is None else active.started_at is not None

    def queued_for(self, guild_id: int, user_id: int) -> int:
        """The member's jobs waiting in this guild's queue (every worker hears of every queued job), at no
        cost: jobs set aside because no server can run them are not counted (the job service's own count,
        on submit, includes them)."""
        return self._queue.count_of(guild_id, user_id)

    def waiting_on_servers(self) -> Counter[int]:
        """Per guild, this worker's jobs sent to a ComfyUI server that has not begun them yet."""
        return Counter(a.job.guild_id for a in self._active.values() if a.started_at is None)

    async def cancel(self, job_id: int, *, by_user_id: int | None) -> bool:
        """Cancel a queued, pre-queued or running job; True if it was still live."""
        if self._queue.remove(job_id) is not None:
            self._entries.pop(job_id, None)
        self._parked.pop(job_id, None)
        active = self._active.get(job_id)
        if active is not None:
            active.cancel_requested, active.cancel_requested_by = True, by_user_id
            try:
                await active.client.cancel(active.prompt_id)
            except errors.ComfyError as exc:
                log.warning(
                    "job_id=%s guild_id=%s prompt_id=%s cancel failed: %s",
                    job_id,
                    active.job.guild_id,
                    active.prompt_id,
                    exc.detail,
                )
            return True
        job = await self.store.finish_unsuccessfully(
            job_id,
            JobStatus.CANCELLED,
            from_statuses=(JobStatus.QUEUED,),
            event={"by": by_user_id},
        )
        if job is not None:
            self.delivery.deliver_soon(job, JobCancelled(by_user_id))
            return True
        current = await self.store.get(job_id)
        if current is not None and current.status is JobStatus.RUNNING:
            await self.store.request_cancel(job_id, by_user_id)  # another worker runs it
            return True
        return False

    # -- choosing the next job ---------------------------------------------------------------------

    def _free_backends(self) -> set[str]:
        capacity = 1 + self.settings.prequeue_depth
        return {
            name for name in self._clients if self.pool.health[name].healthy and self._slots[name] < capacity
        }

    def _pick_backend(self, job: QueuedJob, free: set[str], unrunnable: list[int]) -> str | None:
        entry = self._entries.get(job.job_id)
        if entry is None:
            return None
        capable = self.capabilities.backends_for(entry.workflow_name)
        if not capable:
            unrunnable.append(job.job_id)
            return None
        limits = self._limits_for(job.guild_id)
        user = (job.guild_id, job.user_id)
        if user in self._held_users or self._user_running[user] >= limits.max_running_per_user:
            return None
        able = free & capable
        if not able:
            return None
        return min(able, key=lambda name: (self._slots[name], name))

    async def _loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            self._dispatch_ready()

    def _dispatch_ready(self) -> None:
        while len(self._active) < self.settings.global_max_running:
            free = self._free_backends()
            if not free:
                return
            chosen: dict[int, str] = {}
            unrunnable: list[int] = []

            def eligible(
                job: QueuedJob,
                free: set[str] = free,
                chosen: dict[int, str] = chosen,
                unrunnable: list[int] = unrunnable,
            ) -> bool:
                backend = self._pick_backend(job, free, unrunnable)
                if backend is not None:
                    chosen[job.job_id] = backend
                return backend is not None

            job = self._queue.pop_next(eligible)
            self._park(unrunnable)
            if job is None:
                return
            entry = self._entries.pop(job.job_id)
            backend = chosen[job.job_id]
            release = self._reserve(backend, entry)
            self._tasks.spawn(self._start(entry, self._clients[backend], release), name=f"job-{job.job_id}")

    def _park(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            if self._queue.remove(job_id) is not None:
                self._parked[job_id] = self._entries.pop(job_id)

    def _unpark(self) -> None:
        """Back in line (at the front of their users' lines) for jobs some backend can run again."""
        for job_id, entry in list(self._parked.items()):
            if self.capabilities.backends_for(entry.workflow_name):
                del self._parked[job_id]
                self.enqueue(entry, front=True)

    def _reserve(self, backend: str, entry: QueuedEntry) -> Callable[[], None]:
        self._slots[backend] += 1
        self._user_running[(entry.guild_id, entry.user_id)] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._slots[backend] -= 1
                self._user_running[(entry.guild_id, entry.user_id)] -= 1
                self._wake.set()

        return release

    # -- running a job -----------------------------------------------------------------------------

    async def _start(self, entry: QueuedEntry, client: ComfyClient, release: Callable[[], None]) -> None:
        prompt_id = str(uuid.uuid4())
        user = (entry.guild_id, entry.user_id)
        cap = self._limits_for(entry.guild_id).max_running_per_user
        try:
            job = await self.store.claim(
                entry.job_id,
                worker_id=self.settings.worker_id,
                prompt_id=prompt_id,
                backend=client.name,
                lease_s=self.settings.lease_s,
                user_cap=(self._user_running[user] - 1, cap),
            )
        except UserAtCap:
            release()
            self._hold_user(user)
            self.enqueue(entry, front=True)
            return
        except Exception as exc:
            release()
            if is_outage(exc):  # not a bug: try again later instead of spinning (and logging) at once
                log.warning(
                    "job_id=%s guild_id=%s not claimed, the database is unreachable (%s); trying again soon",
                    entry.job_id,
                    entry.guild_id,
                    exc,
                )
                self._requeue_later(entry, self.settings.retry_backoff_s)
                return
            self._requeue_later(entry, 0.0)
            raise
        if job is None:  # cancelled meanwhile, another worker won it, or its row was briefly locked
            release()
            # SKIP LOCKED also skips a row that a plain update (record_messages) holds for a moment.
            current = await self.store.get(entry.job_id)
            if current is not None and current.status is JobStatus.QUEUED:
                self._requeue_later(entry, 0.05)
            return
        bound = self._bind(job)
        if bound is None:
            release()
            return
        active = ActiveJob(job, client, prompt_id, bound.metadata, on_prompt_done=release)
        self._active[job.id] = active
        try:
            try:
                run = await client.submit(bound.graph, prompt_id)
            except errors.ComfyError as exc:
                release()
                await self._settle(active, RunOutcome(failed=exc))
                return
            log.info(
                "job_id=%s guild_id=%s prompt_id=%s submitted to %s",
                job.id,
                job.guild_id,
                prompt_id,
                client.name,
            )
            await self._follow(active, run)
        finally:
            release()
            self._active.pop(job.id, None)

    def _bind(self, job: JobView) -> GraphToPost | None:
        try:
            return graph_to_post(job, self.catalogue, self.kinds)
        except Exception as exc:  # a workflow removed or changed since the job was queued
            log.exception("job_id=%s guild_id=%s cannot be bound", job.id, job.guild_id)
            self._tasks.spawn(
                self._fail(job, "This job's workflow is no longer available. Please ask again.", repr(exc)),
                name=f"fail-{job.id}",
            )
            return None

    async def _follow(self, active: ActiveJob, run: PromptRun) -> None:
        try:
            outcome = await asyncio.wait_for(self._runner.follow(active, run), self.settings.job_timeout_s)
        except TimeoutError:
            log.warning(
                "job_id=%s guild_id=%s prompt_id=%s timed out",
                active.job.id,
                active.job.guild_id,
                active.prompt_id,
            )
            try:
                await active.client.cancel(active.prompt_id)
            except errors.ComfyError as exc:
                log.warning(
                    "job_id=%s guild_id=%s prompt_id=%s cancel after timeout failed: %s",
                    active.job.id,
                    active.job.guild_id,
                    active.prompt_id,
                    exc.detail,
                )
            minutes = max(1, round(self.settings.job_timeout_s / 60))
            outcome = RunOutcome(
                failed=errors.TimedOut(
                    f"prompt {active.prompt_id} exceeded {self.settings.job_timeout_s} s",
                    user_message=(
                        f"This job took longer than {minutes} min, so I stopped it. "
                        "Try a lower quality or a shorter song."
                    ),
                )
            )
        await self._settle(active, outcome)

    async def _settle(self, active: ActiveJob, outcome: RunOutcome) -> None:
        job = active.job
        if outcome.completed is not None:
            await self._complete(active, outcome)
            return
        if outcome.interrupted:
            if active.cancel_requested:
                cancelled = await self.store.finish_unsuccessfully(
                    job.id,
                    JobStatus.CANCELLED,
                    event={"by": active.cancel_requested_by},
                    started_at=active.started_wall,
                )
                if cancelled is not None:
                    self.delivery.deliver_soon(cancelled, JobCancelled(active.cancel_requested_by))
                return
            await self._fail(
                job,
                "The job was stopped on the image server before it finished.",
                "interrupted",
                started_at=active.started_wall,
            )
            return
        error = outcome.failed
        assert error is not None  # noqa: S101 - a RunOutcome always carries one of the three
        if isinstance(error, _TRANSIENT) and not active.cancel_requested:
            # Until its health check passes again, send nothing more to a backend that just dropped a job.
            self.pool.health[active.client.name] = BackendHealth(False, error.detail)
            await self._retry(job, error)
            return
        await self._fail(job, _user_message(error), error.detail, started_at=active.started_wall)

    async def _complete(self, active: ActiveJob, outcome: RunOutcome) -> None:
        job = active.job
        assert outcome.completed is not None  # noqa: S101 - checked by the caller
        try:
            records = await self._runner.collect(active, outcome.completed)
        except errors.ComfyError as exc:
            await self._fail(job, _user_message(exc), exc.detail, started_at=active.started_wall)
            return
        if not records:
            await self._fail(
                job,
                "The workflow finished but produced no files.",
                "no outputs",
                started_at=active.started_wall,
            )
            return
        done = await self.store.succeed(job.id, records, started_at=active.started_wall)
        if done is None:
            log.warning(
                "job_id=%s guild_id=%s finished but was no longer running (cancelled?)", job.id, job.guild_id
            )
            return
        finished, artifacts = done
        if active.started_at is not None:
            self.eta.observe(job.kind, asyncio.get_running_loop().time() - active.started_at)
        log.info(
            "job_id=%s guild_id=%s prompt_id=%s succeeded with %d files",
            job.id,
            job.guild_id,
            active.prompt_id,
            len(artifacts),
        )
        self.delivery.deliver_soon(finished, JobCompleted(artifacts))

    async def _fail(
        self, job: JobView, user_message: str, detail: str, *, started_at: datetime | None = None
    ) -> None:
        failed = await self.store.finish_unsuccessfully(
            job.id,
            JobStatus.FAILED,
            user_message=user_message,
            detail=detail,
            event={"detail": detail[:500]},
            started_at=started_at,
        )
        if failed is not None:
            log.info("job_id=%s guild_id=%s failed: %s", job.id, job.guild_id, detail)
            self.delivery.deliver_soon(failed, JobFailed(user_message))

    async def _retry(self, job: JobView, error: errors.ComfyError) -> None:
        if job.attempts >= self.settings.max_attempts:
            await self._fail(
                job, _user_message(error), f"gave up after {job.attempts} attempts: {error.detail}"
            )
            return
        if await self.store.release_for_retry(job.id, worker_id=self.settings.worker_id, reason=error.detail):
            log.info("job_id=%s guild_id=%s will be retried: %s", job.id, job.guild_id, error.detail)
            entry = QueuedEntry(job.id, job.guild_id, job.user_id, job.workflow_name)
            self._requeue_later(entry, self.settings.retry_backoff_s * job.attempts)

    def _requeue_later(self, entry: QueuedEntry, delay_s: float) -> None:
        async def requeue() -> None:
            await asyncio.sleep(delay_s)
            self.enqueue(entry)

        self._tasks.spawn(requeue(), name=f"requeue-{entry.job_id}")

    # -- restart recovery and leases ---------------------------------------------------------------

    async def recover(self) -> None:
        """Queued jobs back in the queue, our running jobs re-attached, undelivered results delivered."""
        for entry in await self.store.queued_entries():
            self.enqueue(entry)
        for job in await self.store.running_owned_by(self.settings.worker_id):
            await self._reattach(job)
        # Jobs another worker handed over as it stopped (or left behind dying): ours now, not a lease later.
        for job in await self.store.take_over_expired(self.settings.worker_id, self.settings.lease_s):
            log.warning("job_id=%s guild_id=%s taken over from a stopped worker", job.id, job.guild_id)
            await self._reattach(job)
        redelivered = await self.delivery.redeliver_pending()
        log.info(
            "recovered: %d queued, %d running, %d results to deliver",
            len(self._queue),
            len(self._active),
            redelivered,
        )

    async def _reattach(self, job: JobView) -> None:
        if job.id in self._active:  # ours already (a lease we handed over, then took back at start)
            return
        client = self._clients.get(job.backend_url or "")
        bound = self._bind(job)
        if bound is None:
            return
        if client is None or job.prompt_id is None:
            await self._retry(job, errors.PromptLost(f"job {job.id} has no backend to re-attach to"))
            return
        entry = QueuedEntry(job.id, job.guild_id, job.user_id, job.workflow_name)
        release = self._reserve(client.name, entry)
        active = ActiveJob(job, client, job.prompt_id, bound.metadata, on_prompt_done=release)
        if job.started_at is not None:  # written when the last worker handed it over
            active.started(job.started_at)
        self._active[job.id] = active
        run = await client.attach(job.prompt_id, bound.graph)
        log.info(
            "job_id=%s guild_id=%s prompt_id=%s re-attached to %s",
            job.id,
            job.guild_id,
            job.prompt_id,
            client.name,
        )

        async def follow() -> None:
            try:
                await self._follow(active, run)
            finally:
                release()
                self._active.pop(job.id, None)

        self._tasks.spawn(follow(), name=f"job-{job.id}")

    async def _lease_loop(self) -> None:
        interval = self.settings.lease_s / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.store.renew_leases(self.settings.worker_id, self.settings.lease_s)
                for job in await self.store.take_over_expired(self.settings.worker_id, self.settings.lease_s):
                    log.warning("job_id=%s guild_id=%s taken over from a dead worker", job.id, job.guild_id)
                    await self._reattach(job)
            except Exception as exc:
                _log_loop_failure("lease renewal", exc)

    async def _position_loop(self) -> None:
        """Tell queued jobs their new place as the queue moves (the front-end paces the edits)."""
        told: dict[int, int] = {}
        while True:
            await asyncio.sleep(self.settings.position_refresh_s)
            try:
                told = await self._announce_positions(told)
            except Exception as exc:
                _log_loop_failure("announcing queue positions", exc)

    async def _announce_positions(self, told: dict[int, int]) -> dict[int, int]:
        now = {job_id: place for place, job_id in enumerate(self._queue.order(self.settings.positions_shown))}
        moved = [job_id for job_id, place in now.items() if told.get(job_id) != place]
        if moved:
            for job in await self.store.views(moved):
                if job.status is not JobStatus.QUEUED or job.id not in now:
                    continue
                place = now[job.id]
                update = JobQueued(place, self.eta.eta_s(job.kind, place, self.backend_count))
                try:
                    await self._observer.job_updated(job, update)
                except Exception:
                    log.exception("job_id=%s guild_id=%s position update failed", job.id, job.guild_id)
        return now

    def _hold_user(self, user: tuple[int, int]) -> None:
        """Other workers fill this user's cap: leave their jobs alone for a moment instead of spinning."""
        self._held_users.add(user)

        def let_go() -> None:
            self._held_users.discard(user)
            self._wake.set()

        asyncio.get_running_loop().call_later(self.settings.held_user_s, let_go)

    # -- several workers on one Postgres -----------------------------------------------------------

    def _on_notification(self, message: dict[str, object]) -> None:
        if message.get("from") == self.settings.worker_id:
            return
        event, job_id = message.get("e"), message.get("id")
        if not isinstance(job_id, int):
            return
        if event == "queued":
            guild_id, user_id, workflow = message.get("g"), message.get("u"), message.get("w")
            if isinstance(guild_id, int) and isinstance(user_id, int) and isinstance(workflow, str):
                self.enqueue(QueuedEntry(job_id, guild_id, user_id, workflow))
        elif event == "gone":
            if self._queue.remove(job_id) is not None:
                self._entries.pop(job_id, None)
        elif event == "cancel" and job_id in self._active:
            by = message.get("by")
            self._tasks.spawn(
                self.cancel(job_id, by_user_id=by if isinstance(by, int) else None), name=f"cancel-{job_id}"
            )

    def _resync_soon(self) -> None:
        self._tasks.spawn(self._resync(), name="dispatcher-resync-now")

    async def _resync_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.resync_s)
            await self._resync()

    async def _resync(self) -> None:
        """Make our copy of the queue match the database (a notification may have been missed)."""
        # Only jobs queued before the read may be dropped: one enqueued meanwhile is not in the answer yet.
        known_before = {job.job_id for job in self._queue} | set(self._parked)
        try:
            entries = {entry.job_id: entry for entry in await self.store.queued_entries()}
        except Exception as exc:
            _log_loop_failure("resyncing the queue", exc)
            return
        for job in list(self._queue):
            if job.job_id in known_before and job.job_id not in entries:
                self._queue.remove(job.job_id)
                self._entries.pop(job.job_id, None)
        for job_id in [job_id for job_id in self._parked if job_id in known_before and job_id not in entries]:
            del self._parked[job_id]
        for entry in entries.values():
            if entry.job_id not in self._queue:
                self.enqueue(entry)

    async def _health_watch(self) -> None:
        """Wake the loop when a backend comes back: queued jobs may have been waiting for it."""
        healthy = self._healthy()
        while True:
            await asyncio.sleep(self.settings.health_watch_s)
            now_healthy = self._healthy()
            if now_healthy - healthy:
                # Back with other nodes or models, or heard from for the first time (it was down at start).
                await self.capabilities.refresh()
                self._unpark()
                if self._queue:
                    self._wake.set()
            healthy = now_healthy

    def _healthy(self) -> set[str]:
        return {name for name, state in self.pool.health.items() if state.healthy}

    async def _capability_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.capability_refresh_s)
            await self.capabilities.refresh()
            self._unpark()
            self._wake.set()


def _log_loop_failure(what: str, error: Exception) -> None:
    """A background loop's turn failed; it tries again at its next turn. An outage is expected, not a bug."""
    if is_outage(error):
        log.warning("%s: the database is unreachable (%s); will try again", what, type(error).__name__)
    else:
        log.error("%s failed; will try again", what, exc_info=error)


def _user_message(error: errors.ComfyError) -> str:
    if isinstance(error, errors.PromptRejected) and error.problems:
        reasons = "; ".join(problem.describe() for problem in error.problems[:3])
        return f"The image server refused this workflow: {reasons}."
    if isinstance(error, errors.ExecutionFailed) and error.node_type:
        return f"{error.user_message} (step {error.node_type}: {error.exception_message.strip()[:200]})"
    return error.user_message
