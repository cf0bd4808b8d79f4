"""A video job goes through the queue and delivers an MP4 Discord plays inline, whatever was saved."""

from __future__ import annotations

import json
from pathlib import Path

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.updates import JobCompleted
from core.kinds import VideoParams
from core.media.probe import probe_video
from db.enums import ArtifactType
from tests.core.jobs.harness import running_core
from tests.fakes.comfyui import FakeComfyUI

TEMPLATES = Path(__file__).parents[3] / "core" / "kinds" / "templates"


def _request(prompt: str, workflow: str | None = None) -> JobRequest:
    return JobRequest(
        guild_id=1,
        requester=Requester(user_id=10, channel_id=101),
        raw_input=prompt,
        params=VideoParams(prompt=prompt, seconds=2),
        workflow=workflow,
    )


async def test_the_builtin_wan_workflow_delivers_an_inline_mp4(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(_request("a fox in snow"))
        final = await observer.final(receipt.job.id)

    assert isinstance(final, JobCompleted)
    (artifact,) = final.artifacts
    assert artifact.type is ArtifactType.VIDEO
    assert artifact.mime_type == "video/mp4"
    assert artifact.path.startswith(f"artifacts/videos/{receipt.job.id}_")
    assert artifact.duration_s is not None
    assert (artifact.width, artifact.height) == (160, 88)  # the fake writes small files of the asked shape
    assert artifact.metadata["frames"] == 49
    facts = probe_video(tmp_path / "data" / artifact.path)
    assert facts is not None
    assert facts.plays_inline
    posted = fake_comfy.prompts_received[-1]["prompt"]
    assert posted["55"]["inputs"]["length"] == 49


async def test_frames_saved_as_webp_animation_are_delivered_as_mp4(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    graph = json.loads((TEMPLATES / "video.json").read_text())
    del graph["57"], graph["58"]
    graph["9"] = {
        "class_type": "SaveAnimatedWEBP",
        "inputs": {"images": ["8", 0], "filename_prefix": "anim", "fps": 8.0, "lossless": False,
                   "quality": 80, "method": "default"},
    }  # fmt: skip
    (workflows / "animated.json").write_text(json.dumps(graph))
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", workflows_dir=workflows) as (
        runtime,
        observer,
    ):
        receipt = await runtime.service.submit(_request("a fox", workflow="animated"))
        final = await observer.final(receipt.job.id)

    assert isinstance(final, JobCompleted)
    (artifact,) = final.artifacts
    assert (artifact.type, artifact.mime_type) == (ArtifactType.VIDEO, "video/mp4")
    assert artifact.path.endswith(".mp4")
    assert artifact.metadata["fps"] == 8.0
