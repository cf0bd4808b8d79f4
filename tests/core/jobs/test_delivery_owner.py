"""A result being delivered belongs to the worker delivering it: another worker (starting, or at its lease
turn) leaves it alone while that worker lives, and delivers it once that worker's lease ran out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.runtime import CoreRuntime
from core.jobs.updates import FinalUpdate, JobCompleted
from tests.core.jobs.harness import HeldFinals, RecordingObserver, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

pytestmark = pytest.mark.postgres


def _finals(observer: RecordingObserver, job_id: int) -> list[FinalUpdate]:
    return list(observer.finals.get(job_id, []))


@contextlib.asynccontextmanager
async def _a_delivery_under_way(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> AsyncIterator[tuple[HeldFinals, int, CoreRuntime, RecordingObserver]]:
    """Worker "a" delivering a job's result (held), and worker "b" started meanwhile: (a's front-end, the
    job, worker b, b's front-end)."""
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.005, default_steps=2))
    held = HeldFinals()
    async with running_core(
        postgres_url, [fake.url], tmp_path, observer=held, worker_id="a", client_id="a"
    ) as (first, _):
        receipt = await first.service.submit(image_request())
        await asyncio.wait_for(held.entered.wait(), 10)
        async with running_core(postgres_url, [fake.url], tmp_path, worker_id="b", client_id="b") as (
            second,
            other,
        ):
            yield held, receipt.job.id, second, other


async def test_a_live_workers_delivery_is_not_made_again_by_another_worker(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    under_way = _a_delivery_under_way(postgres_url, fake_comfy_factory, tmp_path)
    async with under_way as (held, job_id, second, other):
        # Its start looked for undelivered results, and so does every lease turn.
        await second.dispatcher.leases.renew()
        assert _finals(other, job_id) == []
        held.release.set()
        await held.final(job_id)
    assert len(_finals(held, job_id)) == 1


async def test_a_dead_workers_delivery_is_made_by_another_once_its_lease_ran_out(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    under_way = _a_delivery_under_way(postgres_url, fake_comfy_factory, tmp_path)
    async with under_way as (held, job_id, second, other):
        # As if the worker delivering it had died: a worker that renews no more, its lease run out.
        async with second.engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE jobs SET lease_owner = 'dead', lease_expires_at = now() - interval '1 second'"
                    " WHERE id = :id"
                ),
                {"id": job_id},
            )
        await second.dispatcher.leases.renew()
        assert isinstance(await other.final(job_id), JobCompleted)
        assert len(_finals(other, job_id)) == 1
        held.release.set()
