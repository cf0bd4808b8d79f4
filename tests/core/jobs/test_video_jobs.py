"""A video job goes through the queue and delivers an MP4 Discord plays inline, whatever was saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.updates import JobCompleted, JobFailed
from core.kinds import VideoParams
from core.media.probe import probe_video
from db.enums import ArtifactType
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

TEMPLATES = Path(__file__).parents[3] / "core" / "kinds" / "templates"


def _request(prompt: str, workflow: str | None = None, user_id: int = 10) -> JobRequest:
    return JobRequest(
        guild_id=1,
        requester=Requester(user_id=user_id, channel_id=101),
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


def _posted(fakes: list[FakeComfyUI], prompt: str) -> bool:
    return any(prompt in json.dumps(p["prompt"]) for fake in fakes for p in fake.prompts_received)


@pytest.mark.parametrize(
    ("caps", "second_waits"),
    [({}, True), ({"video": 2}, False)],
    ids=["videos-one-each", "operator-says-two"],
)
async def test_a_members_second_video_waits_for_their_first_while_other_kinds_and_members_go_on(
    database_url: str,
    fake_comfy_factory: FakeComfyFactory,
    tmp_path: Path,
    caps: dict[str, int],
    second_waits: bool,
) -> None:
    # Two backends with room for four prompts, and the guild lets a member run three jobs: only the video
    # kind's own cap (one per member unless KIND_MAX_RUNNING_PER_USER says more) holds the second video back.
    # (A member's later requests keep their order behind a held one, so the image is asked before it.)
    fakes = [await fake_comfy_factory(FakeConfig()) for _ in range(2)]
    for fake in fakes:
        fake.hold()  # nothing finishes, so nothing running is released while we look
    async with running_core(
        database_url, [f.url for f in fakes], tmp_path / "data", kind_running_caps=caps
    ) as (runtime, observer):
        receipts = [
            await runtime.service.submit(_request("video one")),
            await runtime.service.submit(image_request(prompt="a still fox")),
            await runtime.service.submit(_request("video two")),
            await runtime.service.submit(_request("video three", user_id=20)),
        ]
        others = ("video one", "a still fox", "video three")
        await eventually(lambda: all(_posted(fakes, prompt) for prompt in others))
        if second_waits:
            assert runtime.dispatcher.scheduler.is_waiting(receipts[2].job.id), "held by the video cap"
            assert not _posted(fakes, "video two")
        else:
            await eventually(lambda: _posted(fakes, "video two"))
        for fake in fakes:
            fake.go()
        finals = [await observer.final(r.job.id, within_s=30) for r in receipts]

    assert all(isinstance(final, JobCompleted) for final in finals)


async def test_a_video_past_its_kinds_timeout_is_stopped_though_the_general_timeout_is_longer(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.1, default_steps=100))
    async with running_core(
        database_url, [fake.url], tmp_path / "data", job_timeout_s=600.0, kind_timeouts_s={"video": 0.5}
    ) as (runtime, observer):
        receipt = await runtime.service.submit(_request("a long shot"))
        final = await observer.final(receipt.job.id)
        await fake.wait_idle()

    assert isinstance(final, JobFailed)
    assert "took longer than 1 min" in final.user_message
    assert "a shorter video" in final.user_message, "the kind's own word"
    assert fake.interrupts, "the prompt is stopped on ComfyUI too"
