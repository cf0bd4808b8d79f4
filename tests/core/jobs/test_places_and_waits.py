"""The place and wait a queued job is told, through the running core (issue 12 items 4 and 5)."""

from __future__ import annotations

from pathlib import Path

from core.jobs.updates import JobCompleted, JobQueued
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


def places(updates: list[object]) -> list[int]:
    return [u.position for u in updates if isinstance(u, JobQueued)]


async def test_a_told_place_never_grows_and_prompts_waiting_in_comfyui_count(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=20))
    async with running_core(database_url, [fake.url], tmp_path, position_refresh_s=0.05) as (
        runtime,
        observer,
    ):
        # One backend: a running prompt and one waiting in ComfyUI's own queue.
        running, waiting = [await runtime.service.submit(image_request(guild_id=1, user_id=1)) for _ in "ab"]
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
        third = await runtime.service.submit(image_request(guild_id=1, user_id=1))
        fourth = await runtime.service.submit(image_request(guild_id=1, user_id=1))
        assert (third.position, fourth.position) == (1, 2)  # the prompt waiting in ComfyUI is ahead

        # Another guild's job: the fair order alone would serve it before `fourth`.
        newcomer = await runtime.service.submit(image_request(guild_id=2, user_id=2))
        assert newcomer.position == 3

        receipts = (running, waiting, third, fourth, newcomer)
        finals = [await observer.final(r.job.id, within_s=30) for r in receipts]
        assert all(isinstance(final, JobCompleted) for final in finals)

    for receipt in (third, fourth, newcomer):
        told = [receipt.position, *places(observer.updates[receipt.job.id])]
        assert told == sorted(told, reverse=True), f"job {receipt.job.id} was told {told}"
        assert told[-1] == 0  # "you are next" came before it started
    started = {r.job.id: (await runtime.store.get(r.job.id)).started_at for r in receipts}  # type: ignore[union-attr]
    assert started[fourth.job.id] < started[newcomer.job.id]  # the place it was told was kept


async def test_the_wait_is_learned_from_real_runs_and_kept_across_a_restart(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.01, default_steps=10))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        first = await runtime.service.submit(image_request())
        assert first.eta_s == 20.0  # nothing learned yet: the image kind's typical run time
        assert isinstance(await observer.final(first.job.id), JobCompleted)
    job = await _job(database_url, tmp_path, fake.url, first.job.id)
    assert job.started_at is not None
    assert job.finished_at is not None
    took_s = (job.finished_at - job.started_at).total_seconds()

    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):  # a restart
        second = await runtime.service.submit(image_request())
        assert isinstance(await observer.final(second.job.id), JobCompleted)

    assert second.eta_s is not None
    assert abs(second.eta_s - took_s) < 0.5  # what the first job took, not the 20 s guess


async def _job(database_url: str, tmp_path: Path, url: str, job_id: int):  # type: ignore[no-untyped-def]
    async with running_core(database_url, [url], tmp_path) as (runtime, _):
        return await runtime.store.get(job_id)


async def test_a_job_sent_to_a_busy_server_is_told_at_once_that_it_waits_there(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.02, default_steps=4))
    fake.hold_mid_run()  # the first prompt runs and stays running
    # No periodic round of places here (an hour): only the sending itself can tell it.
    async with running_core(database_url, [fake.url], tmp_path, position_refresh_s=3600.0) as (
        runtime,
        observer,
    ):
        first = await runtime.service.submit(image_request(guild_id=1, user_id=1))
        await eventually(lambda: fake.running_prompt_id is not None)
        second = await runtime.service.submit(image_request(guild_id=1, user_id=1))
        await observer.wait_until(
            lambda: any(isinstance(u, JobQueued) for u in observer.updates[second.job.id])
        )

        told = [u for u in observer.updates[second.job.id] if isinstance(u, JobQueued)]
        assert fake.pending_prompt_ids == [(await runtime.store.get(second.job.id)).prompt_id]  # type: ignore[union-attr]
        assert [(u.position, u.on_server) for u in told] == [(0, True)]  # next of ours there
        assert told[0].eta_s is not None
        fake.go()
        for receipt in (first, second):
            assert isinstance(await observer.final(receipt.job.id, within_s=30), JobCompleted)
