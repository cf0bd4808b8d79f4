"""Queued → running for this worker, before anything is posted: one job, or a round of them at once.

A job the scheduler placed is claimed in the database first (its prompt id and backend written), so a crash
before the post leaves a job the next start re-attaches to instead of one that runs twice. The jobs placed at
the same moment (every backend's places at a start, several freed together) are claimed in one transaction:
claimed one by one, each waited for the event loop to hand the database connection on, and the last of a
start's first round was posted some 30 ms after the first.

Whatever stops a claim gives its backend place back: a user whose jobs on other workers fill their cap is
held for a moment and the job goes back to the front of its line; a job another worker took, or that was
cancelled meanwhile, is dropped; one whose row was only locked for a moment is tried again soon.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from background.log_context import log_context
from core.jobs.outcomes import Outcomes
from core.jobs.queue_settings import QueueSettings
from core.jobs.scheduler import Scheduler
from core.queue.limits import GuildLimits
from db.enums import JobStatus
from db.snapshots import JobView, QueuedJob
from db.units.job_claims import Claim, Claimed
from db.units.jobs import JobStore, UserAtCap
from db.units.outages import is_outage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Placed:
    """A queued job given a place on a backend, and the prompt id it is to run under there."""

    entry: QueuedJob
    backend: str
    prompt_id: str
    release: Callable[[], None]  # gives the backend place back


class Claims:
    def __init__(
        self,
        *,
        store: JobStore,
        scheduler: Scheduler,
        outcomes: Outcomes,
        settings: QueueSettings,
        limits_for: Callable[[int], GuildLimits],
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._outcomes = outcomes
        self._settings = settings
        self._limits_for = limits_for

    async def one(self, placed: Placed) -> JobView | None:
        """The job claimed, or None (its place released; back in line if it still waits)."""
        entry = placed.entry
        try:
            job = await self._store.claim(
                entry.job_id,
                worker_id=self._settings.worker_id,
                prompt_id=placed.prompt_id,
                backend=placed.backend,
                lease_s=self._settings.lease_s,
                user_cap=self._user_cap(entry),
            )
        except UserAtCap:
            self._at_cap(placed)
            return None
        except Exception as exc:
            if self._not_claimed([placed], exc):
                return None
            raise
        if job is None:
            await self._gone(placed)
        return job

    async def round(self, round_: Sequence[Placed]) -> list[JobView | None]:
        """Each job of the round claimed, in one transaction; None for those that were not (as `one`)."""
        claims = [
            Claim(
                p.entry.job_id,
                p.entry.guild_id,
                p.entry.user_id,
                p.prompt_id,
                p.backend,
                self._user_cap(p.entry),
            )
            for p in round_
        ]
        try:
            outcomes = await self._store.claim_round(claims, lease_s=self._settings.lease_s)
        except Exception as exc:
            if self._not_claimed(round_, exc):
                return [None] * len(round_)
            raise
        return [await self._settled(p, claimed) for p, claimed in zip(round_, outcomes, strict=True)]

    async def _settled(self, placed: Placed, claimed: Claimed) -> JobView | None:
        if claimed.job is not None:
            return claimed.job
        entry = placed.entry
        with log_context(job_id=entry.job_id, guild_id=entry.guild_id, user_id=entry.user_id):
            if claimed.at_cap:
                self._at_cap(placed)
            else:
                await self._gone(placed)
        return None

    def _user_cap(self, entry: QueuedJob) -> tuple[int, int]:
        """(this worker's other places of the user's jobs, the user's running cap)."""
        user = (entry.guild_id, entry.user_id)
        return self._scheduler.running_of(user) - 1, self._limits_for(entry.guild_id).max_running_per_user

    def _at_cap(self, placed: Placed) -> None:
        """Other workers fill this user's cap: leave their jobs alone for a moment instead of spinning."""
        placed.release()
        user = (placed.entry.guild_id, placed.entry.user_id)
        self._scheduler.hold(user)
        asyncio.get_running_loop().call_later(self._settings.held_user_s, self._scheduler.let_go, user)
        self._scheduler.enqueue(placed.entry, front=True)

    async def _gone(self, placed: Placed) -> None:
        """Cancelled meanwhile, another worker won it, or its row was briefly locked."""
        placed.release()
        # SKIP LOCKED also skips a row that a plain update (record_messages) holds for a moment.
        current = await self._store.get(placed.entry.job_id)
        if current is not None and current.status is JobStatus.QUEUED:
            self._outcomes.requeue_later(placed.entry, 0.05)

    def _not_claimed(self, round_: Sequence[Placed], exc: Exception) -> bool:
        """The claim's transaction failed: every job of it back in line. True if the database is away: not
        a bug, so tried again after a while instead of spinning (and logging) at once; else the caller
        raises."""
        outage = is_outage(exc)
        if outage:
            log.warning("not claimed, the database is unreachable (%s); trying again soon", exc)
        for placed in round_:
            placed.release()
            self._outcomes.requeue_later(placed.entry, self._settings.retry_backoff_s if outage else 0.0)
        return outage
