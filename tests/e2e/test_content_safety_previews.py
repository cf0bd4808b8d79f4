"""A running job's previews are never looked at by the image checker (its result is, when it ends): where
the server spoilers or holds back flagged results, its message shows its progress without them."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator import Channel, Message
from tests.discord_emulator.layout import thumbnails
from tests.e2e.harness import World, job_state
from tests.e2e.job_messages import states_shown
from tests.e2e.test_content_safety import FLAGGED_SEED, safety_world
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.1, default_steps=10)  # over a second: never posted quietly


async def _asked(world: World, channel: Channel, prompt: str) -> Message:
    interaction = await world.slash("imagine", {"prompt": prompt, "seed": FLAGGED_SEED}, channel=channel)
    await world.wait_acked(interaction)
    return world.emu.original_response(interaction)


async def test_no_preview_is_shown_where_flagged_results_are_held_back(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw", fake_config=SLOW) as (
        world,
        nsfw,
        _,
    ):
        held_back = await _asked(world, world.channel, "a lighthouse")
        await world.wait_for_message_final(held_back)
        in_nsfw = await _asked(world, nsfw, "a lighthouse at night")  # not ComfyUI's cached one
        await world.wait_for_message_final(in_nsfw)

    assert states_shown(held_back) == ["queued", "running", "withheld"]
    assert [r for r in held_back.revisions if thumbnails(r) or r.attachments] == []
    assert job_state(in_nsfw) == "done"
    assert [r for r in in_nsfw.revisions if thumbnails(r)], (
        "previews show where results are shown as they are"
    )
