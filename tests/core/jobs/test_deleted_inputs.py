"""A deleted result's kept inputs leave DATA_DIR with its results, after the same grace period (issue 14)."""

from __future__ import annotations

from pathlib import Path

from core.jobs.deleted_files import DeletedFilesSweep
from core.jobs.policy import Requester
from core.jobs.updates import JobCompleted
from db.units.job_inputs import JobInputStore
from tests.core.jobs.harness import image_request, running_core
from tests.core.jobs.input_kinds import picture_taking_kinds
from tests.core.jobs.test_submit_inputs import with_picture
from tests.fakes.comfyui import FakeComfyUI, media


async def test_a_deleted_results_inputs_are_swept_with_its_artifacts_and_no_other_jobs(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        deleted = (await runtime.service.submit(with_picture(image_request()))).job
        other_picture = media.png(40, 30, 0x00AA00)
        kept = (await runtime.service.submit(with_picture(image_request(user_id=11), other_picture))).job
        for job in (deleted, kept):
            assert isinstance(await observer.final(job.id), JobCompleted)
        _, artifacts = await runtime.service.get_with_artifacts(deleted.id, guild_id=deleted.guild_id)
        inputs = JobInputStore(runtime.sessions)
        [deleted_input], [kept_input] = await inputs.for_job(deleted.id), await inputs.for_job(kept.id)
        requester = Requester(user_id=deleted.user_id, channel_id=deleted.channel_id)
        await runtime.service.delete_result(deleted.id, guild_id=deleted.guild_id, requester=requester)

        sweep = DeletedFilesSweep(runtime.deletions, tmp_path, grace_s=3600)
        assert await sweep.sweep() == []  # within the grace period a manager can still look
        assert (tmp_path / deleted_input.path).is_file()
        swept = await DeletedFilesSweep(runtime.deletions, tmp_path, grace_s=0).sweep()

    assert swept == [deleted.id]
    assert artifacts
    assert not any((tmp_path / artifact.path).exists() for artifact in artifacts)
    assert not (tmp_path / deleted_input.path).exists()
    assert not (tmp_path / "inputs" / str(deleted.id)).exists(), "its inputs folder, left empty, goes too"
    assert (tmp_path / kept_input.path).read_bytes() == other_picture
