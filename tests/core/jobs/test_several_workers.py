"""Several workers on one Postgres database: no job claimed twice, a dead worker's jobs taken over."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.jobs.updates import JobCompleted
from db.enums import JobStatus
from db.models import Job, JobEvent
from tests.core.jobs.harness import RecordingObserver, eventually, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

pytestmark = pytest.mark.postgres
PROJECT = Path(__file__).resolve().parents[3]


async def test_two_workers_share_the_queue_and_never_claim_a_job_twice(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(FakeConfig(step_time_s=0.005, default_steps=3)) for _ in range(2)]
    urls = [f.url for f in fakes]
    seen = RecordingObserver()
    async with (
        running_core(postgres_url, urls, tmp_path, observer=seen, worker_id="a", client_id="a") as (first, _),
        running_core(postgres_url, urls, tmp_path, observer=seen, worker_id="b", client_id="b") as (
            second,
            _,
        ),
    ):
        receipts = []
        for i in range(30):
            runtime = first if i % 2 else second
            receipts.append(await runtime.service.submit(image_request(guild_id=i % 5, user_id=i % 7)))
        await seen.wait_until(lambda: all(seen.finals.get(r.job.id) for r in receipts), within_s=60)
        assert all(isinstance(seen.finals[r.job.id][0], JobCompleted) for r in receipts)
        assert all(len(seen.finals[r.job.id]) == 1 for r in receipts)
        async with first.sessions() as session:
            claims = Counter(
                (e.job_id, e.detail["worker"])
                for e in await session.scalars(select(JobEvent).where(JobEvent.kind == "claimed"))
            )
        assert {job_id for job_id, _ in claims} == {r.job.id for r in receipts}
        assert all(count == 1 for count in claims.values())
        assert len(claims) == len(receipts), "each job claimed by exactly one worker"
        assert {worker for _, worker in claims} == {"a", "b"}, "both workers took a share"
    assert sum(len(f.prompts_received) for f in fakes) == len(receipts)


async def test_a_killed_workers_jobs_are_taken_over_and_finish_once(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=20))
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.core.jobs.worker_process",
        postgres_url,
        fake.url,
        str(tmp_path),
        "doomed",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    try:
        assert worker.stdout is not None
        assert (await asyncio.wait_for(worker.stdout.readline(), 30)).strip() == b"ready"
        async with running_core(
            postgres_url,
            [fake.url],
            tmp_path,
            worker_id="survivor",
            client_id="survivor",
            lease_s=2.0,
            resync_s=1.0,
        ) as (runtime, observer):
            receipts = [await runtime.service.submit(image_request(user_id=u)) for u in range(4)]

            async def doomed_holds_a_job() -> bool:
                async with runtime.sessions() as session:
                    owners = await session.scalars(
                        select(Job.lease_owner).where(Job.status == JobStatus.RUNNING)
                    )
                    return "doomed" in set(owners)

            async with asyncio.timeout(20):
                while not await doomed_holds_a_job():  # noqa: ASYNC110 - the state is in the database
                    await asyncio.sleep(0.02)
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            await observer.wait_until(
                lambda: all(observer.finals.get(r.job.id) for r in receipts), within_s=60
            )
            assert all(isinstance(observer.finals[r.job.id][0], JobCompleted) for r in receipts)
            async with runtime.sessions() as session:
                taken = list(await session.scalars(select(JobEvent).where(JobEvent.kind == "taken_over")))
                statuses = set(await session.scalars(select(Job.status)))
            assert taken, "the survivor took over the dead worker's lease"
            assert statuses == {JobStatus.SUCCEEDED}
        await eventually(lambda: fake.running_prompt_id is None)
        assert len(fake.prompts_received) == len(receipts), "nothing ran twice"
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()


async def test_one_worker_at_a_time_tells_the_queued_jobs_their_places(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    """Each message would otherwise be edited by every worker; the lead passes on when its worker stops."""
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.005, default_steps=3))

    def worker(name: str) -> Any:
        return running_core(postgres_url, [fake.url], tmp_path, worker_id=name, client_id=name)

    async with worker("a") as (a, _), worker("b") as (b, _):
        # "a" started first and leads; "b" waits for its turn.
        assert a.dispatcher.positions.leads()
        assert not b.dispatcher.positions.leads()
    async with contextlib.AsyncExitStack() as stack:
        leading, _ = await stack.enter_async_context(worker("c"))
        waiting, _ = await stack.enter_async_context(worker("d"))
        assert leading.dispatcher.positions.leads()
        assert not waiting.dispatcher.positions.leads()
        await leading.close()  # c stops: its connection, and the lead with it, goes
        await eventually(waiting.dispatcher.positions.leads, within_s=10)
