"""A worker's hold on its running jobs: taken back on restart, renewed while alive, taken over when dead.

Every running job carries a lease its worker renews; a job whose lease ran out belongs to a worker that died,
and another worker re-attaches to its prompt on the backend instead of running it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from background.log_context import log_context
from core.jobs.delivery import Delivery
from core.jobs.executor import Executor
from core.jobs.queue_settings import QueueSettings
from core.jobs.scheduler import Scheduler
from db.snapshots import JobView, QueuedJob
from db.units.jobs import JobStore
from db.units.leases import LeaseHandover

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Found:
    """What a start's first reads found, for `Leases.reattach`."""

    redelivered: int  # results whose delivery was started again
    running: list[JobView]  # jobs this worker ran before it stopped
    queued_read: bool  # the queued jobs are back in the queue


class Leases:
    def __init__(
        self,
        *,
        store: JobStore,
        handover: LeaseHandover,
        scheduler: Scheduler,
        executor: Executor,
        delivery: Delivery,
        settings: QueueSettings,
        enqueue: Callable[[QueuedJob], None],
    ) -> None:
        self._store = store
        self._handover = handover
        self._scheduler = scheduler
        self._executor = executor
        self._delivery = delivery
        self._settings = settings
        self._enqueue = enqueue

    @property
    def renew_every_s(self) -> float:
        return self._settings.lease_s / 3

    async def recover(self) -> None:
        """Queued jobs back in the queue, our running jobs re-attached, undelivered results delivered."""
        await self.reattach(await self.take_back())

    async def take_back(self, *, queued: bool = True) -> Found:
        """What a start needs no backend for (it does it while they connect, then `reattach`): undelivered
        results delivered, the queued jobs back in the queue (`queued`), and our running jobs read."""
        # Results first: a job re-attached below may finish and start its own delivery before this is read.
        redelivered = await self._delivery.redeliver_pending()
        if queued:
            self._take_back_queued(await self._store.queued_jobs())
        running = await self._store.running_owned_by(self._settings.worker_id)
        return Found(redelivered, running, queued_read=queued)

    async def reattach(self, found: Found) -> None:
        """Our running jobs (`found`) and those of stopped workers followed on their backends again, and the
        queued jobs back in the queue if `take_back` left them."""
        if not found.queued_read:
            self._take_back_queued(await self._store.queued_jobs())
        reattached: set[int] = set()
        for job in found.running:
            reattached.add(job.id)
            await self._executor.reattach(job)
        # Jobs another worker handed over as it stopped (or left behind dying): ours now, not a lease later.
        for job in await self._store.take_over_expired(self._settings.worker_id, self._settings.lease_s):
            if job.id in reattached:
                # Handed over by our own last process, so found by both reads: followed above already, and
                # maybe ended there (its prompt lost, the job queued again); this older copy must not run.
                continue
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                log.warning("taken over from a stopped worker")
            await self._executor.reattach(job)
        log.info(
            "recovered: %d queued, %d running, %d results to deliver",
            len(self._scheduler),
            len(self._executor.active),
            found.redelivered,
        )

    def _take_back_queued(self, entries: list[QueuedJob]) -> None:
        for entry in entries:
            self._enqueue(entry)

    async def renew(self) -> None:
        """One turn: our leases renewed, then the jobs of workers whose leases ran out taken over."""
        await self._store.renew_leases(self._settings.worker_id, self._settings.lease_s)
        await self.take_over()

    async def take_over(self) -> None:
        """The running jobs whose leases ran out or were handed over (their worker died or stopped), and the
        results such a worker was delivering."""
        for job in await self._store.take_over_expired(self._settings.worker_id, self._settings.lease_s):
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                log.warning("taken over from a dead or stopped worker")
            await self._executor.reattach(job)
        if taken := await self._delivery.redeliver_pending():
            log.warning("%d results a dead or stopped worker was delivering are delivered here", taken)

    async def renew_own(self) -> None:
        """A gateway process's turn: the leases of the few results it delivers (a cancelled queued job)."""
        await self._store.renew_leases(self._settings.worker_id, self._settings.lease_s)

    async def hand_over(self, running: dict[int, datetime | None]) -> None:
        """At a graceful stop: our running jobs handed back with their start times, so the next worker takes
        them over at once and counts on."""
        if not running:
            return
        try:
            handed = await self._handover.hand_over(self._settings.worker_id, running)
        except Exception as error:  # stopping goes on: their leases run out by themselves
            log.warning("could not hand the running jobs over (%s); their leases run out instead", error)
            return
        log.info("handed %d running jobs over to the next worker: %s", len(handed), handed)
