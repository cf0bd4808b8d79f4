"""The one loop that hands queued jobs to backends: fair, within limits, and pipelined.

Each backend holds its running prompt plus `prequeue_depth` waiting ones, so when a prompt finishes ComfyUI
starts the next at once; which job fills a freed place is still decided here, fairly. The loop sleeps on an
`asyncio.Event` and wakes the moment a job is queued or a place frees up: no polling.

This class builds the parts (wired to each other in core/jobs/dispatcher_parts.py) and runs their loops;
each part has one job: the `Scheduler` (who goes next), the `Executor` (claim, bind, submit, follow),
`Outcomes` (settle, retry, deliver), `Leases` (recovery and leases), `WorkerSync` (other workers'
messages), the `BackendWatcher` and the `PositionAnnouncer`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from background.loops import every, supervise
from background.tasks import BackgroundTasks
from comfy.artifacts import ArtifactStore
from comfy.pool import ComfyPool
from comfy.workflows.catalogue import WorkflowCatalogue
from core.jobs.capabilities import Capabilities
from core.jobs.delivery import Delivery
from core.jobs.disk_space import DiskSpace
from core.jobs.dispatcher_parts import Shared, build_runners, build_watchers
from core.jobs.estimates import Estimates
from core.jobs.eta import typical_run_s
from core.jobs.input_staging import InputStaging
from core.jobs.kind_limits import KindLimits
from core.jobs.leases import Found
from core.jobs.queue_settings import QueueSettings
from core.jobs.runner import ActiveJob, JobRunner
from core.jobs.scheduler import Assignment, Scheduler
from core.jobs.updates import JobObserver, JobQueued
from core.jobs.worker_sync import until_listening
from core.kinds import KindRegistry
from core.queue.limits import GuildLimits
from core.safety.screen import ResultScreen
from db.snapshots import QueuedJob
from db.units.jobs import JobStore
from db.units.outages import outage_note
from db.units.run_history import FinishedRun

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        *,
        store: JobStore,
        pool: ComfyPool,
        catalogue: WorkflowCatalogue,
        kinds: KindRegistry,
        artifacts: ArtifactStore,
        disk: DiskSpace,
        observer: JobObserver,
        settings: QueueSettings,
        limits_for: Callable[[int], GuildLimits],
        listen_url: str | None = None,
        inputs: InputStaging,
        past_runs: Callable[[], Awaitable[Sequence[FinishedRun]]] | None = None,
        screen: ResultScreen | None = None,
    ) -> None:
        self.store = store
        self.inputs = inputs  # uploaded to the backend before each post of a job that takes any
        self.pool = pool
        self.catalogue = catalogue
        self.kinds = kinds
        self.settings = settings
        self.capabilities = Capabilities(pool, catalogue)
        self.estimates = Estimates(typical_run_s(kinds, catalogue))
        self._past_runs = past_runs
        self._listen_url = listen_url
        self._tasks = BackgroundTasks("dispatcher")
        # Their own keeper: at shutdown they are given time to finish while everything else stops.
        self._deliveries = BackgroundTasks("deliveries")
        self._wake = asyncio.Event()
        self.disk = disk  # while it is full, new jobs wait in the queue (see core/jobs/disk_space.py)
        disk.on_change(self._wake.set)
        self.delivery = Delivery(
            store,
            observer,
            self._deliveries,
            attempts=settings.delivery_attempts,
            backoff_s=settings.delivery_backoff_s,
            mark_window_s=settings.delivery_mark_window_s,
        )
        clients = {client.name: client for client in pool.clients}
        self.scheduler = Scheduler(
            backends=clients,
            places_per_backend=1 + settings.prequeue_depth,
            max_running=settings.global_max_running,
            is_healthy=lambda name: pool.health[name].healthy,
            capable=self.capabilities.backends_for_job,
            limits_for=limits_for,
            on_change=self._wake.set,
            kind_cap=KindLimits(kinds, catalogue, settings).cap_of,
        )
        self._clients = clients
        runner = JobRunner(observer, artifacts, kinds, other_server=self._other_server)
        shared = Shared(
            store=store,
            pool=pool,
            catalogue=catalogue,
            kinds=kinds,
            settings=settings,
            capabilities=self.capabilities,
            estimates=self.estimates,
            disk=disk,
            delivery=self.delivery,
            scheduler=self.scheduler,
            clients=clients,
            inputs=inputs,
            tasks=self._tasks,
            wake=self._wake.set,
        )
        self.outcomes, self.executor = build_runners(
            shared,
            runner,
            limits_for=limits_for,
            screen=screen,
            enqueue=self.enqueue,
            other_server=self._other_server,
        )
        self.leases, self.worker_sync, self.backend_watcher, self.positions = build_watchers(
            shared, self.executor, observer, enqueue=self.enqueue, cancel=self.cancel
        )
        self.executor.on_sent = self.positions.tell_sent
        self._prepared = False  # see `prepare`
        self._found: Found | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    async def prepare(self, *, runs_queue: bool = True) -> None:
        """The start's reads that need no backend, made while the backends connect (`start` makes them
        itself if they were not): past run times, and with `runs_queue` the results to deliver again, our
        running jobs and (on SQLite) the queued jobs. Jobs wait for `start` to run."""
        await self._learn_past_runs()
        if runs_queue:
            # With other workers (PostgreSQL) the queue is read as before, right before listening to them
            # begins: a job queued between the read and the listening would wait for the next resync.
            self._found = await self.leases.take_back(queued=self._listen_url is None)
        self._prepared = True

    async def start(self, *, runs_queue: bool = True) -> None:
        """`runs_queue` False (a gateway process): only a copy of the queue, kept in step with the workers
        (places, caps), and the backends' capabilities; no job is taken, leased or delivered here."""
        if not self._prepared:
            await self.prepare(runs_queue=runs_queue)
        await self.capabilities.refresh()
        settings, leases, positions = self.settings, self.leases, self.positions
        if runs_queue:
            assert self._found is not None  # noqa: S101 - prepared with runs_queue
            await leases.reattach(self._found)
            self._supervise("dispatcher-loop", self._loop)
            self._supervise("dispatcher-leases", every(leases.renew_every_s, leases.renew))
            self._supervise("dispatcher-positions", every(settings.position_refresh_s, positions.announce))
        else:
            await self.worker_sync.resync()
            self._supervise("dispatcher-leases", every(leases.renew_every_s, leases.renew_own))
        self.worker_sync.takes_jobs = runs_queue
        # A gateway writes the requests' files: a full disk found there is watched until it has room too.
        self._supervise("dispatcher-disk-probe", every(settings.save_retry_s, self.disk.probe))
        self._supervise(
            "dispatcher-capabilities",
            every(settings.capability_refresh_s, self.backend_watcher.refresh_capabilities),
        )
        self._supervise("dispatcher-health-watch", self.backend_watcher.watch_health)
        if self._listen_url is not None:
            self.capabilities.on_nodes_changed = self.worker_sync.tell_nodes_changed
            listener = self.worker_sync.listener(self._listen_url, lead=runs_queue)
            positions.leads = lambda: listener.leading
            self._supervise("dispatcher-listener", listener.run)
            self._supervise("dispatcher-resync", every(settings.resync_s, self.worker_sync.resync))
            await until_listening(listener)

    async def _learn_past_runs(self) -> None:
        """The run times learned before a restart."""
        if self._past_runs is not None:
            for run in await self._past_runs():
                self.estimates.finished(run.workflow_name, run.backend, run.run_s)

    def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks.spawn(supervise(name, run, expected=outage_note), name=name)

    async def close(self) -> None:
        """Stop taking jobs; let deliveries under way finish (within `shutdown_grace_s`); hand the running
        jobs back with their start times, so the next worker takes them over at once and counts on."""
        running = {job_id: active.started_wall for job_id, active in self.executor.active.items()}
        await self._tasks.close()
        unfinished = await self._deliveries.drain(self.settings.shutdown_grace_s)
        if unfinished:
            log.warning("%d deliveries did not finish in time; they are made at the next start", unfinished)
        await self.leases.hand_over(running)

    # -- the queue ---------------------------------------------------------------------------------

    @property
    def backend_count(self) -> int:
        return len(self._clients)

    def queued_count(self) -> int:
        return self.scheduler.queued_count()

    def running_count(self) -> int:
        return len(self.executor.active)

    def enqueue(self, entry: QueuedJob, *, front: bool = False) -> None:
        """Add a persisted queued job (its place: `position`)."""
        if entry.job_id in self.executor.active:
            return
        self.scheduler.enqueue(entry, front=front)

    def wake(self) -> None:
        """Look at the queue again (a guild's limits were read, say)."""
        self._wake.set()

    def position(self, job_id: int) -> int | None:
        return self.scheduler.position(job_id)

    def place_and_wait(self, job_id: int) -> JobQueued:
        """A waiting job's place (kept from now on) and when its result should be ready."""
        return self.positions.place_and_wait(job_id)

    def _other_server(self, active: ActiveJob) -> bool:
        """Another server that can run the job is up (the job moves there if its own stays away)."""
        able = self.capabilities.backends_for_job(QueuedJob.of(active.job))
        return any(name != active.client.name and self.pool.health[name].healthy for name in able)

    def started(self, job_id: int) -> bool | None:
        """Whether its ComfyUI server has begun the job (None: this worker has not sent it anywhere)."""
        active = self.executor.active.get(job_id)
        return None if active is None else active.started_at is not None

    def queued_for(self, guild_id: int, user_id: int) -> int:
        """The member's jobs waiting in this guild's queue (every worker hears of every queued job), at no
        cost: jobs set aside because no server can run them are not counted (the job service's own count,
        on submit, includes them)."""
        return self.scheduler.queued_for(guild_id, user_id)

    def waiting_on_servers(self) -> Counter[int]:
        """Per guild, this worker's jobs sent to a ComfyUI server that has not begun them yet."""
        return Counter(a.job.guild_id for a in self.executor.active.values() if a.started_at is None)

    async def cancel(self, job_id: int, *, by_user_id: int | None) -> bool:
        """Cancel a queued, pre-queued or running job; True if it was still live."""
        self.scheduler.remove(job_id)
        # A job waiting for room to save wakes once the executor (before its first await) has flagged it.
        self.disk.nudge(job_id)
        if await self.executor.cancel(job_id, by_user_id):
            return True
        return await self.outcomes.cancel_not_running_here(job_id, by_user_id)

    async def _loop(self) -> None:
        """Start every job that may start, then sleep until something changes: a job queued, a place freed."""
        while True:
            self._start_ready()
            # While jobs wait, a server that is away is reconnected to every second, not at its back-off.
            self.pool.jobs_waiting(len(self.scheduler) > 0)
            await self._wake.wait()
            self._wake.clear()

    def _start_ready(self) -> None:
        if self.disk.full:  # a result made now could not be saved: the queue waits for room
            return
        # Places freed together (a start's every place) are claimed in one transaction, and one place on
        # each backend first, in a round of its own: at a start each backend's running place is posted
        # without waiting for the claims of the places behind it.
        firsts: dict[str, Assignment] = {}
        behind: list[Assignment] = []
        for ready in self.scheduler.take_ready(running=len(self.executor.active)):
            if ready.backend in firsts:
                behind.append(ready)
            else:
                firsts[ready.backend] = ready
        for group in (list(firsts.values()), behind):
            if len(group) > 1:
                name = f"jobs-{group[0].entry.job_id}-and-on"
                self._tasks.spawn(self.executor.start_round(group), name=name)
            elif group:
                (one,) = group
                start = self.executor.start(one.entry, self._clients[one.backend], one.release)
                self._tasks.spawn(start, name=f"job-{one.entry.job_id}")
