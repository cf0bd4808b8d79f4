"""Jobs placed at the same moment are claimed in one transaction, and each still settles as it would alone."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.runtime import CoreRuntime, RuntimeConfig
from core.jobs.claims import Claims, Placed
from core.jobs.queue_settings import QueueSettings
from core.queue.limits import GuildLimits
from db.enums import JobStatus
from db.snapshots import QueuedJob
from db.units.job_claims import Claim, Claimed
from tests.core.jobs.harness import FAST_CLIENT, RecordingObserver, image_request, wait_delivered
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


async def test_the_jobs_waiting_at_a_start_fill_every_place_in_two_rounds_and_each_runs_once(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(FakeConfig(step_time_s=0.01, default_steps=4)) for _ in range(2)]
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=[fake.url for fake in fakes],
        data_dir=tmp_path,
        client_id="test-bot",
        queue=QueueSettings(worker_id="worker-1", prequeue_depth=1),
        client=FAST_CLIENT,
    )
    observer = RecordingObserver()
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        runtime.observer.target = observer
        rounds: list[list[int]] = []
        claim_round = runtime.store.claim_round

        async def recorded(claims: Sequence[Claim], *, lease_s: float) -> list[Claimed]:
            rounds.append([claim.job_id for claim in claims])
            return await claim_round(claims, lease_s=lease_s)

        runtime.store.claim_round = recorded  # type: ignore[method-assign]
        receipts = [await runtime.service.submit(image_request(user_id=user)) for user in range(6)]
        await runtime.start()
        try:
            jobs = [await wait_delivered(runtime, receipt.job.id) for receipt in receipts]
        finally:
            await runtime.close()

    # Two backends, each with its running place and one waiting: the first four in line, one place on
    # each backend in a round of its own, then the two behind them.
    first, second, third, fourth = (receipt.job.id for receipt in receipts[:4])
    assert rounds[:2] == [[first, second], [third, fourth]]
    assert [job.status for job in jobs] == [JobStatus.SUCCEEDED] * 6
    assert [len(observer.finals[job.id]) for job in jobs] == [1] * 6
    assert sum(len(fake.prompts_received) for fake in fakes) == 6


class Scheduler:
    def __init__(self) -> None:
        self.enqueued: list[tuple[int, bool]] = []
        self.held: list[tuple[int, int]] = []

    def running_of(self, user: tuple[int, int]) -> int:
        return 1

    def hold(self, user: tuple[int, int]) -> None:
        self.held.append(user)

    def let_go(self, user: tuple[int, int]) -> None:
        pass

    def enqueue(self, entry: QueuedJob, *, front: bool = False) -> None:
        self.enqueued.append((entry.job_id, front))


class Outcomes:
    def __init__(self) -> None:
        self.later: list[tuple[int, float]] = []

    def requeue_later(self, entry: QueuedJob, delay_s: float) -> None:
        self.later.append((entry.job_id, delay_s))


class Store:
    def __init__(self, outcomes: list[Claimed] | Exception, statuses: dict[int, JobStatus]) -> None:
        self.outcomes, self.statuses = outcomes, statuses

    async def claim_round(self, claims: Sequence[Claim], *, lease_s: float) -> list[Claimed]:
        if isinstance(self.outcomes, Exception):
            raise self.outcomes
        return self.outcomes

    async def get(self, job_id: int) -> Any:
        status = self.statuses.get(job_id)
        return None if status is None else type("Job", (), {"status": status})()


def claims(store: Store) -> tuple[Claims, Scheduler, Outcomes]:
    scheduler, outcomes = Scheduler(), Outcomes()
    made = Claims(
        store=store,  # type: ignore[arg-type]
        scheduler=scheduler,  # type: ignore[arg-type]
        outcomes=outcomes,  # type: ignore[arg-type]
        settings=QueueSettings(worker_id="w1", retry_backoff_s=2.0),
        limits_for=lambda guild_id: GuildLimits(),
    )
    return made, scheduler, outcomes


def placed(job_id: int, released: list[int]) -> Placed:
    return Placed(
        QueuedJob(job_id, 1, job_id, "txt2img"), "gpu", f"p-{job_id}", lambda: released.append(job_id)
    )


async def test_a_round_gives_back_the_places_of_jobs_it_did_not_claim_and_puts_each_where_it_belongs() -> (
    None
):
    taken = object()
    store = Store(
        [Claimed(taken), Claimed(None, at_cap=True), Claimed(None), Claimed(None)],  # type: ignore[arg-type]
        {3: JobStatus.QUEUED, 4: JobStatus.CANCELLED},  # 3 was only locked a moment; 4 is gone
    )
    made, scheduler, outcomes = claims(store)
    released: list[int] = []

    jobs = await made.round([placed(job_id, released) for job_id in (1, 2, 3, 4)])

    assert jobs == [taken, None, None, None]
    assert released == [2, 3, 4]
    assert scheduler.enqueued == [(2, True)]  # at its user's cap elsewhere: first in line again, held a while
    assert scheduler.held == [(1, 2)]
    assert outcomes.later == [(3, 0.05)]


async def test_a_round_the_database_could_not_take_puts_every_job_back_after_a_while() -> None:
    made, _, outcomes = claims(Store(ConnectionRefusedError("database down"), {}))
    released: list[int] = []

    jobs = await made.round([placed(job_id, released) for job_id in (1, 2)])

    assert jobs == [None, None]
    assert released == [1, 2]
    assert outcomes.later == [(1, 2.0), (2, 2.0)]


async def test_a_round_that_failed_otherwise_puts_every_job_back_at_once_and_raises() -> None:
    made, _, outcomes = claims(Store(ValueError("a bug"), {}))

    with pytest.raises(ValueError, match="a bug"):
        await made.round([placed(job_id, []) for job_id in (1, 2)])

    assert outcomes.later == [(1, 0.0), (2, 0.0)]
