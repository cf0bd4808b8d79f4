"""A kind of job no backend can run, or one ENABLED_KINDS leaves out, is switched off: its command says so,
privately, before anything is queued (issue 12 item 7); /history asks the registry for the kinds there are."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import gallery_items
from tests.e2e.harness import World, running_world
from tests.fakes.comfyui import FakeConfig
from tests.fakes.comfyui.config import CHECKPOINTS_KEY

# A ComfyUI that only makes images: the song workflow's ACE-Step checkpoint is not there.
IMAGES_ONLY = FakeConfig(
    step_time_s=0.01, default_steps=6, models={CHECKPOINTS_KEY: ["v1-5-pruned-emaonly-fp16.safetensors"]}
)


async def _refused_privately(world: World, command: str, options: dict[str, object]) -> str:
    interaction = await world.slash(command, options)
    await world.wait_acked(interaction)
    assert (interaction.response_type, interaction.ephemeral) == (4, True), "answered at once, privately"
    assert interaction.modal is None
    answer = world.emu.original_response(interaction)
    assert "Traceback" not in answer.content
    assert world.bot_messages() == []
    assert (await world.runtime.browser.history(world.guild.id)).jobs == ()
    return answer.content


async def test_song_on_a_comfyui_that_only_makes_images_says_songs_are_not_set_up(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=IMAGES_ONLY) as world:
        answer = await _refused_privately(world, "song", {"genre": "synthpop"})
        assert answer.startswith("Songs are not set up on this server")

        images = await world.slash("imagine", {"prompt": "a red fox"})
        assert gallery_items(await world.wait_for_final(images)), "images still work"


async def test_a_kind_left_out_of_enabled_kinds_is_not_set_up(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path, enabled_kinds=("image",)) as world:
        answer = await _refused_privately(world, "song", {"genre": "synthpop"})
        assert answer == "Songs are not set up on this server."


async def test_history_of_a_kind_the_bot_does_not_make_names_the_kinds_it_does(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("history", {"kind": "hologram"})
        await world.wait_acked(interaction)
        assert interaction.ephemeral
        answer = world.emu.original_response(interaction).content
        # The kinds come from the registry: a kind added later is named without this test changing.
        prefix = "There is no kind of job called “hologram”. Try one of: "
        assert answer.startswith(prefix), answer
        assert answer.endswith("."), answer
        named = answer.removeprefix(prefix).removesuffix(".").split(", ")
        assert named == list(world.runtime.kinds.kinds)
        assert {"image", "song"} <= set(named)
