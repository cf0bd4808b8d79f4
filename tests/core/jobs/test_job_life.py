"""A job's whole life through the real queue, the real database and the fake ComfyUI over real sockets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from comfy.progress import Stage
from core.jobs.updates import JobCompleted, JobProgress, JobStarted
from db.enums import DeliveryState, JobStatus
from db.models import Artifact, Job, JobEvent
from tests.core.jobs.harness import image_request, running_core, song_request, wait_delivered
from tests.fakes.comfyui import FakeComfyUI


async def test_an_image_job_runs_and_its_artifacts_are_recorded(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(image_request(prompt="a red fox --ar 16:9"))
        final = await observer.final(receipt.job.id)

        assert isinstance(final, JobCompleted)
        assert len(final.artifacts) == 1
        artifact = final.artifacts[0]
        assert artifact.mime_type == "image/png"
        assert (tmp_path / "data" / artifact.path).stat().st_size == artifact.size_bytes
        assert artifact.path.startswith(f"artifacts/images/{receipt.job.id}_")
        assert artifact.metadata["seed"] == receipt.job.seed
        updates = observer.updates[receipt.job.id]
        assert any(isinstance(u, JobStarted) for u in updates)
        steps = [u for u in updates if isinstance(u, JobProgress) and u.step is not None]
        assert steps, "sampler progress reaches the observer"
        assert any(u.preview for u in updates if isinstance(u, JobProgress))
        shares = [u.fraction for u in updates if isinstance(u, JobProgress)]
        assert shares == sorted(shares), "the whole graph's progress never goes back"
        assert 0.9 < shares[-1] < 1.0, "nearly done at the last node, full only with the result"
        assert {u.stage for u in updates if isinstance(u, JobProgress)} >= {Stage.SAMPLING, Stage.DECODING}

        await wait_delivered(runtime, receipt.job.id)
        async with runtime.sessions() as session:
            job = await session.scalar(select(Job).where(Job.id == receipt.job.id))
            assert job is not None
            assert job.status is JobStatus.SUCCEEDED
            assert job.prompt_id is not None
            assert job.started_at is not None
            assert job.finished_at is not None
            assert job.delivery_state is DeliveryState.DELIVERED
            rows = list(await session.scalars(select(Artifact).where(Artifact.job_id == job.id)))
            assert [r.sha256 for r in rows] == [artifact.sha256]
            kinds = [e.kind for e in await session.scalars(select(JobEvent).where(JobEvent.job_id == job.id))]
            assert kinds[0] == "queued"
            assert "claimed" in kinds
            assert kinds[-1] == "succeeded"
        posted = fake_comfy.prompts_received[-1]
        assert posted["prompt_id"] == job.prompt_id
        assert posted["client_id"] == "test-bot"


async def test_a_song_job_produces_audio(database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(song_request())
        final = await observer.final(receipt.job.id)
        assert isinstance(final, JobCompleted)
        assert [a.type.value for a in final.artifacts] == ["audio"]
        assert final.artifacts[0].metadata["tempo"] == 120
