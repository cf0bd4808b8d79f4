"""Telling queued jobs their new place as the queue moves (the front-end paces the message edits)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from background.log_context import log_context
from core.jobs.eta import EtaEstimator
from core.jobs.queue_settings import QueueSettings
from core.jobs.scheduler import Scheduler
from core.jobs.updates import JobObserver, JobQueued
from db.enums import JobStatus
from db.units.jobs import JobStore

log = logging.getLogger(__name__)


class PositionAnnouncer:
    def __init__(
        self,
        *,
        store: JobStore,
        scheduler: Scheduler,
        observer: JobObserver,
        eta: EtaEstimator,
        settings: QueueSettings,
        backend_count: Callable[[], int],
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._observer = observer
        self._eta = eta
        self._settings = settings
        self._backend_count = backend_count
        self._told: dict[int, int] = {}  # job id → the place it was last told

    async def announce(self) -> None:
        """One turn: each job among the first `positions_shown` whose place changed is told the new one."""
        now = {
            job_id: place
            for place, job_id in enumerate(self._scheduler.order(self._settings.positions_shown))
        }
        moved = [job_id for job_id, place in now.items() if self._told.get(job_id) != place]
        if moved:
            for job in await self._store.views(moved):
                if job.status is not JobStatus.QUEUED or job.id not in now:
                    continue
                place = now[job.id]
                update = JobQueued(place, self._eta.eta_s(job.kind, place, self._backend_count()))
                try:
                    await self._observer.job_updated(job, update)
                except Exception:
                    with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                        log.exception("position update failed")
        self._told = now
