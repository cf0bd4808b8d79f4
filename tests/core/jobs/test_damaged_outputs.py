"""A file ComfyUI sends cut short is fetched again once; cut short twice, the job fails in plain words.

The fake cuts the body in half, under the whole file's Content-Length (the connection then drops) or under
one matching the half (only decoding can tell): images, songs (MP3) and videos (MP4).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import pytest

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.updates import JobCompleted, JobFailed
from core.kinds import VideoParams
from core.media.probe import probe_video
from db.enums import ArtifactType
from tests.core.jobs.harness import image_request, running_core, song_request
from tests.fakes.comfyui import FakeComfyUI

LENGTHS = ("full", "short")


def _video_request() -> JobRequest:
    return JobRequest(
        guild_id=1,
        requester=Requester(user_id=10, channel_id=101),
        raw_input="a fox in snow",
        params=VideoParams(prompt="a fox in snow", seconds=2),
    )


REQUESTS = {"image": image_request, "song": song_request, "video": _video_request}


def _as_served(fake: FakeComfyUI, stored: Path) -> bytes:
    served = fake.store.directory("output")
    assert served is not None
    (original,) = served.rglob(stored.name)
    return original.read_bytes()


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("kind", ["image", "song"])
async def test_a_file_cut_short_once_is_fetched_again_and_kept_whole(
    database_url: str,
    fake_comfy: FakeComfyUI,
    tmp_path: Path,
    kind: str,
    length: Literal["full", "short"],
) -> None:
    fake_comfy.config.truncate_outputs = 1
    fake_comfy.config.truncated_length = length
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(REQUESTS[kind]())
        final = await observer.final(receipt.job.id)

    assert isinstance(final, JobCompleted), final
    assert fake_comfy.config.truncate_outputs == 0  # the cut answer was served, and taken for nothing
    for artifact in final.artifacts:
        stored = tmp_path / "data" / artifact.path
        assert stored.read_bytes() == _as_served(fake_comfy, stored)
        assert artifact.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()


@pytest.mark.parametrize("length", LENGTHS)
async def test_a_video_cut_short_once_is_fetched_again_and_delivered(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, length: Literal["full", "short"]
) -> None:
    fake_comfy.config.truncate_outputs = 1
    fake_comfy.config.truncated_length = length
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(_video_request())
        final = await observer.final(receipt.job.id)

    assert isinstance(final, JobCompleted), final
    assert fake_comfy.config.truncate_outputs == 0
    (artifact,) = final.artifacts
    assert artifact.type is ArtifactType.VIDEO
    facts = probe_video(tmp_path / "data" / artifact.path)
    assert facts is not None
    assert facts.plays_inline


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("kind", ["image", "song", "video"])
async def test_a_file_cut_short_twice_fails_the_job_in_plain_words(
    database_url: str,
    fake_comfy: FakeComfyUI,
    tmp_path: Path,
    kind: str,
    length: Literal["full", "short"],
) -> None:
    fake_comfy.config.truncate_outputs = 2
    fake_comfy.config.truncated_length = length
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(REQUESTS[kind]())
        final = await observer.final(receipt.job.id)
        stored = await runtime.store.get(receipt.job.id)

    assert isinstance(final, JobFailed)
    assert final.user_message.startswith("ComfyUI sent a damaged file (")
    assert "twice" in final.user_message
    assert "Error" not in final.user_message
    assert "Traceback" not in final.user_message
    assert stored is not None
    assert stored.attempts == 1
    kept = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert not [p for p in kept if "artifacts" in p.parts]  # no half result left behind
