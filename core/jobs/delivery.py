"""Delivering a job's final update to the front-end exactly once, with retries, across restarts.

The delivery state is written around the observer call: a crash in between leaves it `delivering`, and the
next start delivers again; the front-end then edits the message it already has (its ids are stored) rather
than posting a second one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from background.log_context import log_context
from background.tasks import BackgroundTasks
from core.jobs.delivery_events import DeliveryEvents
from core.jobs.delivery_marks import DeliveryMarks
from core.jobs.updates import FinalUpdate, JobCancelled, JobCompleted, JobFailed, JobObserver
from db.enums import UNDELIVERED, DeliveryState, JobStatus
from db.snapshots import JobView
from db.units.jobs import JobStore
from db.units.outages import is_outage

log = logging.getLogger(__name__)

_SETTLED_KEPT = 10_000


class Delivery:
    def __init__(
        self,
        store: JobStore,
        observer: JobObserver,
        tasks: BackgroundTasks,
        *,
        attempts: int,
        backoff_s: float,
        mark_window_s: float,
    ) -> None:
        self._store = store
        self._marks = DeliveryMarks(store, window_s=mark_window_s, backoff_s=backoff_s)
        self._observer = observer
        self._tasks = tasks
        self._attempts = attempts
        self._backoff_s = backoff_s
        self.events = DeliveryEvents()
        # Jobs whose delivery runs in this process right now: their state says "delivering" until it ends,
        # and a look for undelivered results (at start, after a take-over) must not start a second one.
        self._in_flight: set[int] = set()
        # Jobs whose delivery this process settled lately. A look for undelivered results reads rows as they
        # were when its query ran: one whose delivery ended while the answer was on its way would otherwise
        # be delivered a second time.
        self._settled: OrderedDict[int, None] = OrderedDict()

    def deliver_soon(self, job: JobView, update: FinalUpdate) -> None:
        if job.id in self._in_flight:
            return
        # Claimed now, not when the task first runs: a look for undelivered results may come in between.
        self._in_flight.add(job.id)
        self._tasks.spawn(self._deliver_claimed(job, update), name=f"deliver-{job.id}")

    async def deliver(self, job: JobView, update: FinalUpdate) -> bool:
        if job.id in self._in_flight:
            return False
        self._in_flight.add(job.id)
        return await self._deliver_claimed(job, update)

    async def _deliver_claimed(self, job: JobView, update: FinalUpdate) -> bool:
        try:
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                return await self._deliver(job, update)
        finally:
            self._in_flight.discard(job.id)

    async def _deliver(self, job: JobView, update: FinalUpdate) -> bool:
        if job.delivery_state is not DeliveryState.DELIVERING:  # finishing a job already marks it
            await self._store.mark_delivery(job.id, UNDELIVERED, DeliveryState.DELIVERING)
        delay = self._backoff_s
        for attempt in range(1, self._attempts + 1):
            try:
                await self._observer.job_updated(job, update)
            except Exception as error:
                if is_outage(error):
                    outage = type(error).__name__
                    log.warning("delivery attempt %d met a database outage (%s)", attempt, outage)
                else:
                    log.exception("delivery attempt %d failed", attempt)
                if attempt < self._attempts:
                    await asyncio.sleep(delay)
                    delay *= 2
                continue
            await self._record(job.id, DeliveryState.DELIVERED)
            log.info("delivered (%s)", type(update).__name__)
            self._settle(job, DeliveryState.DELIVERED)
            return True
        await self._record(job.id, DeliveryState.FAILED)
        log.error("could not be delivered; giving up")
        self._settle(job, DeliveryState.FAILED)
        return False

    def _settle(self, job: JobView, state: DeliveryState) -> None:
        self._settled[job.id] = None
        if len(self._settled) > _SETTLED_KEPT:
            self._settled.popitem(last=False)
        self.events.settled(job, state)

    async def _record(self, job_id: int, state: DeliveryState) -> None:
        """The delivery has happened (or was given up): written with others' (core/jobs/delivery_marks.py)."""
        await self._marks.record(job_id, state)

    async def redeliver_pending(self) -> int:
        """Every finished job whose result never reached its message and that no live worker is delivering
        (this one after a restart, or one that died: its lease ran out), claimed for this worker first."""
        count = 0
        for job in await self._store.claim_undelivered(self._store.worker_id, self._store.lease_s):
            if job.id in self._in_flight or job.id in self._settled:
                continue
            update = await self.final_update_for(job)
            if update is not None:
                self.deliver_soon(job, update)
                count += 1
        return count

    async def final_update_for(self, job: JobView) -> FinalUpdate | None:
        if job.status is JobStatus.SUCCEEDED:
            return JobCompleted(await self._store.artifacts_of(job.id), again=True)
        if job.status is JobStatus.FAILED:
            return JobFailed(job.error_message or "The job failed.", again=True)
        if job.status is JobStatus.CANCELLED:
            return JobCancelled(by_user_id=None, again=True)
        return None
