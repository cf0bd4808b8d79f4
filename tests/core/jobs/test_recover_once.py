"""Leases.recover follows each job once, even when both of its reads return it; a start's reads come before
the backends are up, the following after.

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
    def __init__(self, owned: list[Job], expired: list[Job], queued: list[int] | None = None) -> None:
        self.owned, self.expired, self.queued = owned, expired, queued or []

    async def queued_jobs(self) -> list[Any]:
        return list(self.queued)

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


def leases(store: Store, executor: Executor, enqueued: list[int] | None = None) -> Leases:
    return Leases(
        store=store,  # type: ignore[arg-type]
        handover=None,  # type: ignore[arg-type]
        scheduler=[],  # type: ignore[arg-type]
        executor=executor,  # type: ignore[arg-type]
        delivery=Delivery(),  # type: ignore[arg-type]
        settings=QueueSettings(worker_id="w1"),
        enqueue=lambda entry: (enqueued if enqueued is not None else []).append(entry),
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


async def test_a_starts_reads_take_the_queue_back_and_its_jobs_are_followed_only_once_backends_are_up() -> (
    None
):
    executor, enqueued = Executor(), []
    store = Store(owned=[Job(7)], expired=[Job(9)], queued=[1, 2])
    recovery = leases(store, executor, enqueued)

    found = await recovery.take_back()
    assert (enqueued, executor.reattached) == ([1, 2], [])

    await recovery.reattach(found)
    assert (enqueued, executor.reattached) == ([1, 2], [7, 9])


async def test_a_queue_left_unread_by_the_first_reads_is_read_when_jobs_are_followed() -> None:
    executor, enqueued = Executor(), []
    recovery = leases(Store(owned=[], expired=[], queued=[3]), executor, enqueued)

    found = await recovery.take_back(queued=False)
    assert enqueued == []

    await recovery.reattach(found)
    assert enqueued == [3]
