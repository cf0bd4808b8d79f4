"""Another worker's messages reach this worker's copy of the queue as typed messages; its own are ignored."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any, cast

from background.tasks import BackgroundTasks
from core.jobs.worker_sync import WorkerSync
from db.snapshots import QueuedJob
from db.units.backend_news import BackendNews
from db.units.jobs import JobStore
from db.worker_messages import (
    BackendNodesChangedMessage,
    CancelRequestedMessage,
    JobGoneMessage,
    JobQueuedMessage,
    PolicyChangedMessage,
    payload,
)
from tests.core.jobs.test_scheduler import World


class Here:
    """What the worker sync is wired to: this worker's queue, and the jobs it runs."""

    def __init__(self) -> None:
        self.scheduler = World().scheduler()
        self.tasks = BackgroundTasks("test")
        self.running: set[int] = set()
        self.cancelled: list[tuple[int, int | None]] = []
        self.cancel_heard = asyncio.Event()
        self.read_again: list[list[str] | None] = []
        self.told: list[list[str]] = []
        self.sync = WorkerSync(
            worker_id="here",
            store=cast(JobStore, self),  # only the resync reads the database: see queued_jobs
            scheduler=self.scheduler,
            tasks=self.tasks,
            enqueue=self.scheduler.enqueue,
            is_running_here=lambda job_id: job_id in self.running,
            cancel=self.cancel,
            take_over=self.take_over,
            news=cast(BackendNews, self),
        )
        self.sync.read_nodes_again = self.read_nodes_again

    async def queued_jobs(self) -> list[QueuedJob]:
        return []

    async def read_nodes_again(self, backends: Collection[str] | None) -> None:
        self.read_again.append(None if backends is None else sorted(backends))

    async def nodes_changed(self, backends: Collection[str]) -> None:
        self.told.append(sorted(backends))

    async def cancel(self, job_id: int, by: int | None) -> bool:
        self.cancelled.append((job_id, by))
        self.cancel_heard.set()
        return True

    async def take_over(self) -> None:
        return None

    def hear(self, message: Any) -> None:
        self.sync.on_message(payload(message))


def queued(job_id: int, sender: str = "there") -> JobQueuedMessage:
    return JobQueuedMessage(sender=sender, job_id=job_id, guild_id=1, user_id=10, workflow_name="txt2img")


async def test_a_job_queued_by_another_worker_joins_our_queue_and_ours_is_ignored() -> None:
    here = Here()
    here.hear(queued(7))
    here.hear(queued(8, sender="here"))
    assert here.scheduler.is_waiting(7)
    assert not here.scheduler.is_waiting(8)


async def test_a_job_another_worker_claimed_leaves_our_queue() -> None:
    here = Here()
    here.scheduler.enqueue(QueuedJob(7, 1, 10, "txt2img"))
    here.hear(JobGoneMessage(sender="there", job_id=7))
    assert not here.scheduler.is_waiting(7)


async def test_the_front_end_stops_telling_the_place_of_a_job_another_worker_took() -> None:
    here = Here()
    taken: list[int] = []
    here.sync.taken_elsewhere = taken.append
    here.running.add(9)
    here.hear(JobGoneMessage(sender="there", job_id=7))
    here.hear(JobGoneMessage(sender="there", job_id=9))  # running here: its message is ours to show
    here.hear(JobGoneMessage(sender="here", job_id=8))
    assert taken == [7]


async def test_a_policy_another_process_changed_is_dropped_here_and_ours_is_kept() -> None:
    here = Here()
    dropped: list[int] = []
    here.sync.policy_changed = dropped.append
    here.hear(PolicyChangedMessage(sender="gateway", guild_id=5))
    here.hear(PolicyChangedMessage(sender="here", guild_id=6))  # changed here: our copy is the new one
    assert dropped == [5]


async def test_a_cancel_is_acted_on_only_by_the_worker_running_the_job() -> None:
    here = Here()
    here.running.add(9)
    here.hear(CancelRequestedMessage(sender="there", job_id=5, by_user_id=42))
    here.hear(CancelRequestedMessage(sender="there", job_id=9, by_user_id=42))
    await asyncio.wait_for(here.cancel_heard.wait(), 5)
    await here.tasks.close()
    assert here.cancelled == [(9, 42)]


async def test_a_message_of_an_unknown_shape_changes_nothing() -> None:
    here = Here()
    here.sync.on_message({"e": "queued", "id": 7, "g": 1, "u": 10, "w": "txt2img", "from": "there"})
    assert here.scheduler.queued_count() == 0


async def test_news_of_a_backend_with_other_nodes_has_it_read_again_here_unless_we_sent_it() -> None:
    here = Here()
    here.hear(BackendNodesChangedMessage(sender="there", backends=["http://gpu-1:8188"]))
    here.hear(BackendNodesChangedMessage(sender="here", backends=["http://gpu-2:8188"]))
    assert await here.tasks.drain(5) == 0
    assert here.read_again == [["http://gpu-1:8188"]]


async def test_backends_found_changed_here_are_told_to_the_others() -> None:
    here = Here()
    here.sync.tell_nodes_changed(["http://gpu-1:8188"])
    assert await here.tasks.drain(5) == 0
    assert here.told == [["http://gpu-1:8188"]]


async def test_after_the_listener_was_away_every_backend_is_read_again() -> None:
    """Some process's news may have been sent while nobody listened here."""
    here = Here()
    here.sync.resync_soon()
    assert await here.tasks.drain(5) == 0
    assert here.read_again == [None]
