"""Several jobs claimed in one transaction: the round the dispatcher places at once (every backend's places
at a start, or several freed together), a unit of work of the job store.

Each claim is the one `JobStore.claim` makes (queued → running, its prompt id and backend written, its event
and worker message; the same statements on the driver's connection, db.driver_units), so each job's outcome
is the same as if it had been claimed alone: taken, gone (None), or held back by its user's cap across
workers. What the round saves is the trips: one transaction instead of
one per job, each of which waited for the event loop to hand the connection on (at a start with 8 backends
the sixteenth prompt was posted 25-30 ms after the first claim began).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db.driver_units import DriverConnection, run_driver_unit
from db.parsed_params import ParsedParams
from db.repositories import job_steps as steps
from db.snapshots import JobView
from db.types import utcnow
from db.units.unbroken import unbroken
from db.worker_messages import JobGoneMessage, message_text


@dataclass(frozen=True, slots=True)
class Claim:
    """One job of a round, and what its claim writes; `user_cap` as `JobStore.claim` takes it."""

    job_id: int
    guild_id: int
    user_id: int
    prompt_id: str
    backend: str
    user_cap: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claim's outcome: the running job's view, or None (cancelled meanwhile, another worker's, locked);
    `at_cap` when the user's jobs on other workers fill their cap (the job stays queued)."""

    job: JobView | None
    at_cap: bool = False


class JobRoundClaims:
    _engine: AsyncEngine
    _parsed: ParsedParams
    worker_id: str

    @unbroken
    async def claim_round(self, claims: Sequence[Claim], *, lease_s: float) -> list[Claimed]:
        """Every claim of the round in one transaction, for this store's worker; outcomes in their order.

        On PostgreSQL a capped claim waits for its user's advisory lock, and a round holds those it took
        until it commits: they are taken in one order (by guild and user) in every round, so two workers'
        rounds cannot each hold a lock the other waits for.
        """
        now = utcnow()
        lease_until = now + timedelta(seconds=lease_s)
        worker_id = self.worker_id
        messages = [message_text(JobGoneMessage(sender=worker_id, job_id=c.job_id)) for c in claims]
        order = sorted(range(len(claims)), key=lambda i: (claims[i].guild_id, claims[i].user_id))

        def claim_all(connection: DriverConnection) -> list[tuple[tuple[Any, ...] | None, bool]]:
            outcomes: list[tuple[tuple[Any, ...] | None, bool]] = [(None, False)] * len(claims)
            for i in order:
                claim = claims[i]
                outcomes[i] = steps.claim(
                    connection,
                    claim.job_id,
                    now=now,
                    lease_until=lease_until,
                    worker_id=worker_id,
                    prompt_id=claim.prompt_id,
                    backend=claim.backend,
                    user_cap=claim.user_cap,
                    message=messages[i],
                )
            return outcomes

        rows = await run_driver_unit(self._engine, claim_all, scope="transaction")
        return [
            Claimed(None if row is None else steps.view_of(row, self._parsed), at_cap) for row, at_cap in rows
        ]
