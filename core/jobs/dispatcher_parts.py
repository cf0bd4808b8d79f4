"""The dispatcher's parts, built once and wired to each other; core/jobs/dispatcher.py runs their loops.

The runners: the `Executor` (claim, bind, submit, follow) and `Outcomes` (settle, retry, deliver). The
watchers: `Leases` (recovery and leases), `WorkerSync` (other workers' messages), the `BackendWatcher` and
the `PositionAnnouncer`. What they call back in the dispatcher (queue a job again, cancel one, whether
another server could run a job) is handed in, with the wake-up of its loop in `Shared`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from background.tasks import BackgroundTasks
from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from comfy.workflows.catalogue import WorkflowCatalogue
from core.jobs.backend_watch import BackendWatcher
from core.jobs.capabilities import Capabilities
from core.jobs.delivery import Delivery
from core.jobs.disk_space import DiskSpace
from core.jobs.estimates import Estimates
from core.jobs.executor import Executor
from core.jobs.input_staging import InputStaging
from core.jobs.leases import Leases
from core.jobs.outcomes import Outcomes
from core.jobs.positions import PositionAnnouncer
from core.jobs.queue_settings import QueueSettings
from core.jobs.runner import ActiveJob, JobRunner
from core.jobs.saving import Saving
from core.jobs.scheduler import Scheduler
from core.jobs.updates import Hold, JobObserver
from core.jobs.worker_sync import WorkerSync
from core.kinds import KindRegistry
from core.queue.limits import GuildLimits
from core.safety.screen import ResultScreen
from db.snapshots import QueuedJob
from db.units.backend_news import BackendNews
from db.units.jobs import JobStore
from db.units.leases import LeaseHandover


@dataclass(frozen=True, slots=True)
class Shared:
    """What the dispatcher made before its parts, and they use."""

    store: JobStore
    pool: ComfyPool
    catalogue: WorkflowCatalogue
    kinds: KindRegistry
    settings: QueueSettings
    capabilities: Capabilities
    estimates: Estimates
    disk: DiskSpace
    delivery: Delivery
    scheduler: Scheduler
    clients: dict[str, ComfyClient]
    inputs: InputStaging
    tasks: BackgroundTasks
    wake: Callable[[], None]  # the dispatcher's loop looks again at what may start


class Enqueue(Protocol):
    def __call__(self, entry: QueuedJob, *, front: bool = False) -> None: ...


class Cancel(Protocol):
    def __call__(self, job_id: int, *, by_user_id: int | None) -> Coroutine[Any, Any, bool]: ...


def build_runners(
    shared: Shared,
    runner: JobRunner,
    *,
    limits_for: Callable[[int], GuildLimits],
    screen: ResultScreen | None,
    enqueue: Enqueue,
    other_server: Callable[[ActiveJob], bool],
) -> tuple[Outcomes, Executor]:
    s = shared
    outcomes = Outcomes(
        store=s.store,
        delivery=s.delivery,
        pool=s.pool,
        runner=runner,
        estimates=s.estimates,
        settings=s.settings,
        tasks=s.tasks,
        enqueue=lambda entry, front: enqueue(entry, front=front),
        other_server=other_server,
        saving=Saving(runner=runner, disk=s.disk, store=s.store, settings=s.settings),
        screen=screen,
    )
    executor = Executor(
        store=s.store,
        clients=s.clients,
        catalogue=s.catalogue,
        kinds=s.kinds,
        runner=runner,
        outcomes=outcomes,
        scheduler=s.scheduler,
        settings=s.settings,
        tasks=s.tasks,
        limits_for=limits_for,
        inputs=s.inputs,
        run_times=s.estimates.run_times,
        on_left=s.wake,
    )
    return outcomes, executor


def build_watchers(
    shared: Shared,
    executor: Executor,
    observer: JobObserver,
    *,
    enqueue: Enqueue,
    cancel: Cancel,
) -> tuple[Leases, WorkerSync, BackendWatcher, PositionAnnouncer]:
    s = shared
    leases = Leases(
        store=s.store,
        handover=LeaseHandover(s.store.sessions),
        scheduler=s.scheduler,
        executor=executor,
        delivery=s.delivery,
        settings=s.settings,
        enqueue=enqueue,
    )
    worker_sync = WorkerSync(
        worker_id=s.settings.worker_id,
        store=s.store,
        scheduler=s.scheduler,
        tasks=s.tasks,
        enqueue=enqueue,
        is_running_here=lambda job_id: job_id in executor.active,
        cancel=lambda job_id, by: cancel(job_id, by_user_id=by),
        take_over=leases.take_over,
        news=BackendNews(s.store.sessions, worker_id=s.settings.worker_id),
    )
    backend_watcher = BackendWatcher(
        pool=s.pool, capabilities=s.capabilities, scheduler=s.scheduler, wake=s.wake
    )
    worker_sync.read_nodes_again = backend_watcher.read_nodes_again
    positions = PositionAnnouncer(
        store=s.store,
        scheduler=s.scheduler,
        observer=observer,
        estimates=s.estimates,
        settings=s.settings,
        prompts=lambda on: executor.prompts(skip=s.disk.is_saving, on=on),
        sent_job=lambda job_id: a.job if (a := executor.active.get(job_id)) is not None else None,
        usable_backends=lambda: [name for name in s.clients if s.pool.health[name].healthy],
        backends_for=s.capabilities.backends_for,
        held=lambda: _hold(s),
    )
    return leases, worker_sync, backend_watcher, positions


def _hold(s: Shared) -> Hold | None:
    """Why no queued job starts now whatever its place, if something holds them all: a message that said
    only "you are next" while every server was down would never say why nothing happens."""
    if s.disk.full:
        return Hold.DISK_FULL
    if s.clients and not any(s.pool.health[name].healthy for name in s.clients):
        return Hold.SERVERS_AWAY
    return None
