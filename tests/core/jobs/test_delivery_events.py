"""The core says when a job's delivery settled, so nobody polls the database for it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.jobs.delivery_events import DeliveryEvents
from core.jobs.updates import JobCompleted
from db.enums import DeliveryState
from db.snapshots import JobView
from tests.bot.history_factories import a_job
from tests.core.jobs.harness import HeldFinals, RecordingObserver, image_request, running_core
from tests.fakes.comfyui import FakeComfyUI


async def test_a_delivered_result_is_announced_once_and_its_state_is_delivered(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _):
        heard: list[tuple[int, DeliveryState]] = []
        settled = asyncio.Event()

        def listener(job: JobView, state: DeliveryState) -> None:
            heard.append((job.id, state))
            settled.set()

        runtime.dispatcher.delivery.events.subscribe(listener)
        receipt = await runtime.service.submit(image_request())
        await asyncio.wait_for(settled.wait(), 10)
        stored = await runtime.store.get(receipt.job.id)
        assert stored is not None
        assert heard == [(receipt.job.id, DeliveryState.DELIVERED)]
        assert stored.delivery_state is DeliveryState.DELIVERED


async def test_a_delivery_that_gives_up_is_announced_as_failed(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    observer = RecordingObserver(fail_finals=2)
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, observer=observer, delivery_attempts=2
    ) as (runtime, _):
        heard: list[tuple[int, DeliveryState]] = []
        settled = asyncio.Event()

        def listener(job: JobView, state: DeliveryState) -> None:
            heard.append((job.id, state))
            settled.set()

        runtime.dispatcher.delivery.events.subscribe(listener)
        receipt = await runtime.service.submit(image_request())
        await asyncio.wait_for(settled.wait(), 10)
        assert heard == [(receipt.job.id, DeliveryState.FAILED)]


def test_a_failing_listener_does_not_keep_the_others_from_hearing() -> None:
    events = DeliveryEvents()
    heard: list[str] = []

    def broken(_job: JobView, _state: DeliveryState) -> None:
        raise RuntimeError("a listener's bug")

    events.subscribe(broken)
    stop = events.subscribe(lambda _job, state: heard.append(state.value))
    job = a_job(5)
    events.settled(job, DeliveryState.DELIVERED)
    stop()
    events.settled(job, DeliveryState.DELIVERED)
    assert heard == ["delivered"]


async def test_a_delivery_under_way_is_not_started_again_by_a_look_for_undelivered_results(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # A worker looks for undelivered results at start, after re-attaching jobs that may finish at once; a
    # result being delivered right then is "delivering" in the database and must not be delivered twice.
    observer = HeldFinals()
    async with running_core(database_url, [fake_comfy.url], tmp_path, observer=observer) as (runtime, _):
        receipt = await runtime.service.submit(image_request())
        await asyncio.wait_for(observer.entered.wait(), 10)
        assert await runtime.dispatcher.delivery.redeliver_pending() == 0
        observer.release.set()
        await observer.final(receipt.job.id, within_s=10)
    # Stopping lets every delivery under way finish: a second one would have reached the front-end by now.
    assert len(observer.finals[receipt.job.id]) == 1


async def test_a_result_delivered_while_a_look_for_undelivered_ones_ran_is_not_delivered_again(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # The periodic look (after a take-over) reads rows as they were when its query ran: a result this worker
    # delivered meanwhile still reads "delivering" there (bench/scale.py saw 401 deliveries of 400 jobs).
    observer = RecordingObserver()
    async with running_core(database_url, [fake_comfy.url], tmp_path, observer=observer) as (runtime, _):
        settled: list[int] = []
        delivered = asyncio.Event()

        def listener(job: JobView, _state: DeliveryState) -> None:
            settled.append(job.id)
            delivered.set()

        runtime.dispatcher.delivery.events.subscribe(listener)
        receipt = await runtime.service.submit(image_request())
        await asyncio.wait_for(delivered.wait(), 10)
        # The row as the look read it: delivered here a moment later.
        delivered_state = (DeliveryState.DELIVERED,)
        assert await runtime.store.mark_delivery(receipt.job.id, delivered_state, DeliveryState.DELIVERING)
        assert await runtime.dispatcher.delivery.redeliver_pending() == 0
    # Stopping lets every delivery under way finish: a second one would have been heard by now.
    assert settled == [receipt.job.id]
    assert len(observer.finals[receipt.job.id]) == 1


async def test_a_database_outage_during_a_delivery_is_retried_without_a_traceback(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The front-end records its uploads and messages as it delivers; a PostgreSQL restart at that moment is
    # expected, said in a line, and the next attempt delivers.
    observer = RecordingObserver(fail_finals=1, final_error=ConnectionRefusedError("connection refused"))
    async with running_core(database_url, [fake_comfy.url], tmp_path, observer=observer) as (runtime, _):
        heard: list[DeliveryState] = []
        settled = asyncio.Event()

        def listener(job: JobView, state: DeliveryState) -> None:
            heard.append(state)
            settled.set()

        runtime.dispatcher.delivery.events.subscribe(listener)
        receipt = await runtime.service.submit(image_request())
        await asyncio.wait_for(settled.wait(), 10)
        assert isinstance(await observer.final(receipt.job.id), JobCompleted)
    assert heard == [DeliveryState.DELIVERED]
    outage_lines = [r for r in caplog.records if "database outage" in r.getMessage()]
    assert [(r.levelname, r.exc_info) for r in outage_lines] == [("WARNING", None)]
