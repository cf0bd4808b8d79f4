"""A full disk as the operator sees it: `comfybot_disk_full`, `comfybot_jobs_saving` and /healthz's body."""

from __future__ import annotations

from pathlib import Path

from core.jobs.updates import JobCompleted, JobSetback, Setback
from tests.bot.metrics.test_metrics_server import healthz, scrape, serving
from tests.core.jobs.full_disk import FullDisk
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeComfyUI


async def test_metrics_and_healthz_show_the_full_disk_while_it_lasts(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    disk = FullDisk(full=True)
    async with (
        running_core(
            database_url,
            [fake_comfy.url],
            tmp_path / "data",
            open_file=disk.open,
            save_retry_s=0.05,
            save_retry_max_s=0.2,
        ) as (runtime, observer),
        serving(runtime, [True]) as (_, url),
    ):
        receipt = await runtime.service.submit(image_request())
        await observer.wait_until(
            lambda: any(
                isinstance(u, JobSetback) and u.setback is Setback.DISK_FULL
                for u in observer.updates[receipt.job.id]
            )
        )
        full = await scrape(url)
        status, body = await healthz(url)

        disk.full = False
        final = await observer.final(receipt.job.id)
        room = await scrape(url)
        status_after, body_after = await healthz(url)

    assert full[("comfybot_disk_full", ())] == 1
    assert full[("comfybot_jobs_saving", ())] == 1
    assert status == 503
    assert body["healthy"] is False
    assert body["disk"]["full"] is True
    assert body["disk"]["jobs_saving"] == 1
    assert "No space left on device" in body["disk"]["detail"]
    assert (body["gateway_connected"], body["database_reachable"]) == (True, True)
    assert body["healthy_backends"] == 1

    assert isinstance(final, JobCompleted)
    assert room[("comfybot_disk_full", ())] == 0
    assert room[("comfybot_jobs_saving", ())] == 0
    assert (status_after, body_after["disk"]) == (200, {"full": False, "detail": "", "jobs_saving": 0})
