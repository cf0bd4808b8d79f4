"""Leases.recover follows each job once, even when both of its reads return it.

A job our own last process handed over at its stop keeps our worker id and an expired lease: the read of our
running jobs and the take-over read both return it. The first re-attach may end at once (its prompt lost, the
job queued again); re-attaching the second, older copy would run a queued job a second time.
"""

from __future__ import annotations

from typing import Any

from core.jobs.leases import Leases
from core.jobs.queue_settings import QueueSettings


class Job:
    def __init__(self, job_id: int) -> None:
        self.id = job_id
        self.guild_id = 1
        self.user_id = 2


class Store:
    def __init__(self, owned: list[Job], expired: list[Job]) -> None:
        self.owned, self.expired = owned, expired

    async def queued_jobs(self) -> list[Any]:
        return []

    async def running_owned_by(self, worker_id: str) -> list[Job]:
        return self.owned

    async def take_over_expired(self, worker_id: str, lease_s: float) -> list[Job]:
        return self.expired


class Executor:
    def __init__(self) -> None:
        self.reattached: list[int] = []
        self.active: dict[int, Any] = {}

    async def reattach(self, job: Job) -> None:
        self.reattached.append(job.id)  # and ends at once: nothing stays active


class Delivery:
    async def redeliver_pending(self) -> int:
        return 0


def leases(store: Store, executor: Executor) -> Leases:
    return Leases(
        store=store,  # type: ignore[arg-type]
        handover=None,  # type: ignore[arg-type]
        scheduler=[],  # type: ignore[arg-type]
        executor=executor,  # type: ignore[arg-type]
        delivery=Delivery(),  # type: ignore[arg-type]
        settings=QueueSettings(worker_id="w1"),
        enqueue=lambda entry: None,
    )


async def test_a_job_both_reads_return_is_reattached_once() -> None:
    executor = Executor()
    store = Store(owned=[Job(7), Job(8)], expired=[Job(8), Job(9)])

    await leases(store, executor).recover()

    assert executor.reattached == [7, 8, 9]


async def test_jobs_of_other_workers_are_still_taken_over() -> None:
    executor = Executor()

    await leases(Store(owned=[], expired=[Job(3), Job(4)]), executor).recover()

    assert executor.reattached == [3, 4]
