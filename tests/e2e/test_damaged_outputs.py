"""A result ComfyUI sends cut short: fetched again and delivered whole, or, cut twice, a failure in plain
words (songs and videos: tests/core/jobs/test_damaged_outputs.py)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.discord_emulator.layout import text_of, texts
from tests.e2e.harness import job_state, running_world
from tests.fakes.comfyui import FakeConfig


async def test_a_picture_cut_short_once_is_delivered_whole(database_url: str, tmp_path: Path) -> None:
    flaky = FakeConfig(step_time_s=0.01, default_steps=2, truncate_outputs=1, truncated_length="short")
    async with running_world(database_url, tmp_path, fake_config=flaky) as world:
        interaction = await world.slash("imagine", {"prompt": "a lighthouse"})
        message = await world.wait_for_final(interaction, timeout=20)
        assert job_state(message) == "done"
        assert flaky.truncate_outputs == 0, "the cut answer was served"
        [attachment] = message.attachments
        with Image.open(io.BytesIO(attachment.data)) as image:
            image.load()  # the delivered picture decodes to its end


async def test_a_picture_cut_short_twice_fails_in_plain_words(database_url: str, tmp_path: Path) -> None:
    broken = FakeConfig(step_time_s=0.01, default_steps=2, truncate_outputs=2, truncated_length="full")
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        interaction = await world.slash("imagine", {"prompt": "a lighthouse"})
        message = await world.wait_for_final(interaction, timeout=20)
        assert job_state(message) == "failed"
        [body, _footer] = texts(message)
        assert "ComfyUI sent a damaged file (" in body
        assert "Traceback" not in text_of(message)
        assert message.attachments == []
        job = await world.job_for(message)
        assert job.status.value == "failed"
