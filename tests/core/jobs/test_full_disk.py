"""A full disk loses nothing: the finished job waits in "saving" and is delivered once there is room.

The data dir's writes go through the composition root's seam (RuntimeConfig.open_file) to a FullDisk that
refuses them with ENOSPC, as a full filesystem does, until the test makes room.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import CoreRuntime
from core.errors import UserFacingError
from core.jobs.input_intake import DISK_FULL
from core.jobs.saving import GONE
from core.jobs.updates import Hold, JobCancelled, JobCompleted, JobFailed, JobQueued, JobSetback, Setback
from db.enums import JobStatus
from db.repositories import JobEventRepository
from tests.core.jobs.full_disk import FullDisk
from tests.core.jobs.harness import RecordingObserver, eventually, image_request, running_core
from tests.core.jobs.input_kinds import picture_taking_kinds
from tests.core.jobs.test_submit_inputs import stored_counts, with_picture
from tests.fakes.comfyui import FakeComfyUI

FAST_RETRIES = {"save_retry_s": 0.05, "save_retry_max_s": 0.2}


def saving(observer: RecordingObserver, job_id: int) -> bool:
    return any(
        isinstance(u, JobSetback) and u.setback is Setback.DISK_FULL for u in observer.updates.get(job_id, [])
    )


def job_dirs(data: Path) -> list[Path]:
    """Every job's folder under artifacts/<kind>/, and anything half-written anywhere."""
    artifacts = data / "artifacts"
    return [*artifacts.glob("*/*"), *data.rglob("*.part")] if artifacts.exists() else []


def disk_reports(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and "is full" in r.getMessage()
    ]


async def event_kinds(runtime: CoreRuntime, job_id: int) -> list[str]:
    async with runtime.sessions() as session:
        return [event.kind for event in await JobEventRepository(session).for_job(job_id)]


@contextlib.asynccontextmanager
async def on_a_full_disk(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, **options: Any
) -> AsyncIterator[tuple[FullDisk, Path, CoreRuntime, RecordingObserver]]:
    """A core whose data dir is full until the test makes room: (the disk, the data dir, the core, its
    front-end). `options` go to running_core."""
    disk, data = FullDisk(full=True), tmp_path / "data"
    async with running_core(
        database_url, [fake_comfy.url], data, open_file=disk.open, **FAST_RETRIES, **options
    ) as (runtime, observer):
        yield disk, data, runtime, observer


async def test_a_result_waits_for_room_and_new_jobs_wait_in_the_queue_until_there_is_some(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with on_a_full_disk(database_url, fake_comfy, tmp_path) as (disk, data, runtime, observer):
        first = await runtime.service.submit(image_request(user_id=1))
        await observer.wait_until(lambda: saving(observer, first.job.id))
        await eventually(lambda: disk.refused >= 3)  # it tries again, with back-off

        second = await runtime.service.submit(image_request(user_id=2))
        assert second.held is Hold.DISK_FULL  # told at once, with its place
        refused = disk.refused
        await eventually(lambda: disk.refused >= refused + 3)  # the dispatcher had every chance to start it
        waiting = await runtime.store.get(second.job.id)
        assert waiting is not None
        assert waiting.status is JobStatus.QUEUED
        assert len(fake_comfy.prompts_received) == 1  # only the first job's prompt reached ComfyUI

        waits = await runtime.store.get(first.job.id)
        assert waits is not None
        assert waits.status is JobStatus.RUNNING
        assert "saving" in await event_kinds(runtime, first.job.id)
        assert (runtime.disk.full, runtime.disk.saving_count) == (True, 1)
        assert job_dirs(data) == []  # no empty folder, nothing half-written
        assert len(disk_reports(caplog)) == 1  # reported once, however many tries

        room_at = datetime.now(UTC)
        disk.full = False
        done = await observer.final(first.job.id)
        after = await observer.final(second.job.id)
        started = await runtime.store.get(second.job.id)

    assert isinstance(done, JobCompleted)
    assert isinstance(after, JobCompleted)
    for artifact in (*done.artifacts, *after.artifacts):
        assert (data / artifact.path).stat().st_size == artifact.size_bytes
    assert started is not None
    assert started.started_at is not None
    assert started.started_at >= room_at
    assert len(job_dirs(data)) == 2  # one folder per job, each holding its result
    assert len(fake_comfy.prompts_received) == 2  # the first job's result was fetched again, not made again
    assert len(disk_reports(caplog)) == 1
    assert any("has room again" in r.getMessage() for r in caplog.records)
    assert not runtime.disk.full


async def test_a_restart_while_saving_resumes_saving(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(database_url, fake_comfy, tmp_path) as (disk, data, runtime, observer):
        receipt = await runtime.service.submit(image_request())
        await observer.wait_until(lambda: saving(observer, receipt.job.id))
    # The first process is gone while the job waited to be saved; the disk is still full at the restart.
    after = RecordingObserver()
    async with running_core(
        database_url, [fake_comfy.url], data, observer=after, open_file=disk.open, **FAST_RETRIES
    ) as (runtime, _):
        await after.wait_until(lambda: saving(after, receipt.job.id))
        assert runtime.disk.full
        disk.full = False
        final = await after.final(receipt.job.id)

    assert isinstance(final, JobCompleted)
    assert [(data / a.path).is_file() for a in final.artifacts] == [True] * len(final.artifacts)
    assert len(job_dirs(data)) == 1  # the saves tried before the restart left nothing behind
    assert len(fake_comfy.prompts_received) == 1  # re-attached to the finished prompt, not run again


async def test_a_job_cancelled_while_saving_ends_and_the_queue_runs_once_the_probe_finds_room(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(database_url, fake_comfy, tmp_path) as (disk, data, runtime, observer):
        first = await runtime.service.submit(image_request(user_id=1))
        await observer.wait_until(lambda: saving(observer, first.job.id))
        assert await runtime.dispatcher.cancel(first.job.id, by_user_id=1)
        cancelled = await observer.final(first.job.id)
        second = await runtime.service.submit(image_request(user_id=2))
        assert second.held is Hold.DISK_FULL  # nobody saves any more: the probe alone watches the disk
        refused = disk.refused
        await eventually(lambda: disk.refused >= refused + 2)
        assert len(fake_comfy.prompts_received) == 1
        disk.full = False
        final = await observer.final(second.job.id)

    assert isinstance(cancelled, JobCancelled)
    assert isinstance(final, JobCompleted)
    assert len(job_dirs(data)) == 1  # the cancelled job kept nothing


async def test_a_result_comfyui_no_longer_serves_once_there_is_room_fails_in_plain_words(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(database_url, fake_comfy, tmp_path) as (disk, data, runtime, observer):
        receipt = await runtime.service.submit(image_request())
        await observer.wait_until(lambda: saving(observer, receipt.job.id))
        served = fake_comfy.store.directory("output")
        assert served is not None
        for output in [path for path in served.rglob("*") if path.is_file()]:
            output.unlink()  # ComfyUI's output folder was cleared meanwhile
        disk.full = False
        final = await observer.final(receipt.job.id)
        failed = await runtime.store.get(receipt.job.id)
        await eventually(lambda: not runtime.disk.full)  # no job waits now: the probe finds the room

    assert isinstance(final, JobFailed)
    assert final.user_message == GONE
    assert failed is not None
    assert failed.status is JobStatus.FAILED
    assert job_dirs(data) == []


async def test_jobs_already_waiting_are_told_when_the_disk_fills(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(
        database_url,
        fake_comfy,
        tmp_path,
        global_max_running=1,
        prequeue_depth=0,
        position_refresh_s=0.05,
    ) as (disk, _, runtime, observer):
        first = await runtime.service.submit(image_request(user_id=1))
        second = await runtime.service.submit(image_request(user_id=2))
        assert second.held is None  # queued behind the first while nothing said the disk was full
        await observer.wait_until(lambda: saving(observer, first.job.id))
        await observer.wait_until(
            lambda: any(
                isinstance(u, JobQueued) and u.held is Hold.DISK_FULL for u in observer.updates[second.job.id]
            )
        )
        disk.full = False
        finals = [await observer.final(first.job.id), await observer.final(second.job.id)]

    assert all(isinstance(final, JobCompleted) for final in finals)


async def test_a_request_whose_picture_finds_no_room_is_refused_kindly_and_keeps_nothing(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(
        database_url,
        fake_comfy,
        tmp_path,
        kinds=picture_taking_kinds(),
    ) as (disk, data, runtime, _):
        with pytest.raises(UserFacingError) as refused:
            await runtime.service.submit(with_picture(image_request()))
        assert await stored_counts(runtime, data) == (0, 0, [])  # no job, no row, no half-written file
        assert runtime.disk.full  # reported like a result that does not fit: new jobs wait meanwhile

        disk.full = False
        await eventually(lambda: not runtime.disk.full)  # the probe finds room
        kept = await runtime.service.submit(with_picture(image_request()))

    assert refused.value.user_message == DISK_FULL
    assert kept.held is None


async def test_a_gateway_that_found_the_disk_full_sees_when_it_has_room_again(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with on_a_full_disk(
        database_url,
        fake_comfy,
        tmp_path,
        kinds=picture_taking_kinds(),
        runs_queue=False,  # a gateway process: it takes requests in, the workers run them
    ) as (disk, _, runtime, _):
        with pytest.raises(UserFacingError):
            await runtime.service.submit(with_picture(image_request()))
        assert runtime.disk.full
        disk.full = False
        await eventually(lambda: not runtime.disk.full)  # its /healthz and its new requests' places say so
        kept = await runtime.service.submit(with_picture(image_request()))

    assert kept.held is None
