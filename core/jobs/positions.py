"""Telling queued jobs their place and their wait as the queue moves (the front-end paces the message edits).

A place counts the prompts already waiting in the ComfyUI servers' own queues, never grows for a job that
waits (the scheduler keeps every place told), and is 0 ("you are next") only when nothing will start before
it. The wait is when its result will be ready: the servers' current work, then the jobs ahead of it spread
over the servers that can run them, each with the run time learned for its workflow on that server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from background.log_context import log_context
from core.jobs.estimates import Estimates, PromptOnBackend
from core.jobs.queue_settings import QueueSettings
from core.jobs.scheduler import Scheduler
from core.jobs.updates import Hold, JobObserver, JobQueued
from core.jobs.wait_estimate import WaitingJob
from db.enums import JobStatus
from db.snapshots import JobView
from db.units.jobs import JobStore

log = logging.getLogger(__name__)

_WAIT_CHANGE = 0.15  # a new wait is worth an edit when it moved by this share (or its place changed)


class PositionAnnouncer:
    def __init__(
        self,
        *,
        store: JobStore,
        scheduler: Scheduler,
        observer: JobObserver,
        estimates: Estimates,
        settings: QueueSettings,
        prompts: Callable[[str | None], Iterable[PromptOnBackend]],  # on that server only, or on all
        sent_job: Callable[[int], JobView | None],
        usable_backends: Callable[[], Iterable[str]],
        backends_for: Callable[[str], frozenset[str]],
        held: Callable[[], Hold | None] = lambda: None,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._observer = observer
        self._estimates = estimates
        self._settings = settings
        self._prompts = prompts
        self._sent_job = sent_job
        self._usable_backends = usable_backends
        self._backends_for = backends_for
        self._held = held  # why no queued job starts now, if something outside the queue holds them all
        self._told: dict[int, JobQueued] = {}
        # Whether this worker tells the queued jobs their places: with several workers on PostgreSQL only
        # the one holding the lead does (db.notify.JobListener), or each message would be edited by each.
        self.leads: Callable[[], bool] = lambda: True

    def place_and_wait(self, job_id: int) -> JobQueued:
        """The job's place and wait now, told (and from now on kept); e.g. for a job just queued."""
        far = self._scheduler.place_beyond(job_id, self._settings.positions_shown)
        # Beyond the places shown (a submit to a long queue): where the fair order has it, no promise.
        update = None if far is not None else self._place_of(job_id)
        if update is None:
            place = far if far is not None else self._scheduler.position(job_id)
            update = JobQueued(place or 0, None, self._held())
        self._told[job_id] = update
        return update

    async def announce(self) -> None:
        """One turn: each job among the first `positions_shown` whose place or wait changed is told, and so
        is each job already sent to a ComfyUI server that has not begun it (its place in that queue)."""
        queued, sent = self._now()
        if not self.leads():
            queued = {}  # another worker tells them; our own prompts waiting in a server are ours to tell
        moved = [job_id for job_id, update in queued.items() if self._worth_telling(job_id, update)]
        jobs = (
            [job for job in await self._store.views(moved) if job.status is JobStatus.QUEUED] if moved else []
        )
        for job_id, update in sent.items():
            job = self._sent_job(job_id)
            if job is not None and self._worth_telling(job_id, update):
                jobs.append(job)
        now = queued | sent
        for job in jobs:
            try:
                await self._observer.job_updated(job, now[job.id])
            except Exception:
                with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                    log.exception("position update failed")
                continue
            self._told[job.id] = now[job.id]
        self._told = {job_id: told for job_id, told in self._told.items() if job_id in now}

    async def tell_sent(self, job: JobView) -> None:
        """The job's prompt was just sent to its server: its message says it waits there (its place among
        our prompts waiting on that server, and its wait) until the server begins it. Without this, a job
        claimed at once would show nothing: its place in the bot's queue is no longer told once claimed."""
        # Only its own server's prompts: a wait there depends on nothing else (8 backends: 2 prompts, not 16).
        update = self._sent(list(self._prompts(job.backend_url))).get(job.id)
        if update is None:  # begun already, or its prompt ended: its own updates say so
            return
        try:
            await self._observer.job_updated(job, update)
        except Exception:  # best effort, like progress: the job runs all the same
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                log.exception("position update failed")
            return
        self._told[job.id] = update

    def _worth_telling(self, job_id: int, update: JobQueued) -> bool:
        before = self._told.get(job_id)
        if before is not None and before.on_server == update.on_server and update.position > before.position:
            # A place never grows (within the bot's queue, or within a server's).
            return False
        return _worth_telling(before, update)

    def _place_of(self, job_id: int) -> JobQueued | None:
        """As `_now` has it, for one job (every submit asks): the waits of the jobs behind it are not
        worked out, since a job's wait depends only on the jobs ahead of it."""
        prompts = list(self._prompts(None))
        places, order = self._scheduler.places_and_order(
            self._settings.positions_shown, sum(not prompt.running for prompt in prompts)
        )
        if job_id not in places:
            return None
        ahead = order[: order.index(job_id) + 1]
        ready_s = self._ready_in_s(ahead, prompts)
        return JobQueued(places[job_id], ready_s.get(job_id), self._held())

    def _ready_in_s(self, order: Iterable[int], prompts: list[PromptOnBackend]) -> dict[int, float]:
        waiting = [
            WaitingJob(job_id, workflow)
            for job_id in order
            if (workflow := self._scheduler.workflow_of(job_id)) is not None
        ]
        busy_s = self._estimates.busy_s(self._usable_backends(), prompts)
        return self._estimates.ready_in_s(waiting, busy_s, self._backends_for)

    def _now(self) -> tuple[dict[int, JobQueued], dict[int, JobQueued]]:
        """Places and waits of the queued jobs, and of our prompts waiting in the servers' own queues."""
        prompts = list(self._prompts(None))
        places, order = self._scheduler.places_and_order(
            self._settings.positions_shown, sum(not prompt.running for prompt in prompts)
        )
        ready_s = self._ready_in_s(order, prompts)
        held = self._held()
        queued = {job_id: JobQueued(place, ready_s.get(job_id), held) for job_id, place in places.items()}
        return queued, self._sent(prompts)

    def _sent(self, prompts: list[PromptOnBackend]) -> dict[int, JobQueued]:
        """Our prompts waiting in the servers' own queues: how many of ours wait before each, and its wait."""
        return {
            job_id: JobQueued(ahead, wait_s, on_server=True)
            for job_id, (ahead, wait_s) in self._estimates.sent_ready_in_s(prompts).items()
        }


def _worth_telling(before: JobQueued | None, now: JobQueued) -> bool:
    if before is None or _place_said(before) != _place_said(now):
        return True
    if before.eta_s is None or now.eta_s is None:
        return before.eta_s != now.eta_s
    return abs(now.eta_s - before.eta_s) > _WAIT_CHANGE * max(before.eta_s, 1.0)


def _place_said(update: JobQueued) -> tuple[object, ...]:
    """What a message says besides the wait: where the job is, and what holds it."""
    return (update.position, update.held, update.on_server)
