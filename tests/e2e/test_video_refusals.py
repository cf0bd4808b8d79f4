"""Bad /video requests get a private answer that says what to fix, and nothing is stored or run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import running_world
from tests.e2e.media_support import NOT_A_PICTURE, assert_nothing_stored, private_answer
from tests.fakes.comfyui import media


@pytest.mark.parametrize(
    ("options", "files", "said"),
    [
        ({"seconds": 12.0}, {}, "seconds: videos are 1 to 10 seconds long, not 12"),
        ({"seconds": 0.2}, {}, "seconds: videos are 1 to 10 seconds long, not 0.2"),
        ({}, {"image": ("cat.png", NOT_A_PICTURE, "image/png")}, "I couldn't read that file as a picture"),
        ({}, {"image": ("tone.wav", media.wav(0.5, 1), "audio/wav")}, "this needs a picture"),
        ({"workflow": "txt2img"}, {}, "There is no video workflow called “txt2img”"),
        ({"workflow": "video_i2v"}, {}, "The workflow 'video_i2v' needs an image"),
    ],
    ids=[
        "seconds-over-10",
        "seconds-under-1",
        "not-a-picture",
        "a-sound-for-a-picture",
        "an-image-workflow",
        "image-to-video-without-a-picture",
    ],
)
async def test_a_bad_video_request_is_refused_privately_and_stores_nothing(
    database_url: str, tmp_path: Path, options: dict[str, Any], files: dict[str, Any], said: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("video", {"prompt": "a fox", **options}, attachments=files)
        answer = await private_answer(world, interaction)

        assert said in answer.content
        await assert_nothing_stored(world)
        assert world.fake.prompts_received == []
