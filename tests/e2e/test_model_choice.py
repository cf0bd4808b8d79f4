"""/imagine model: and lora: through Discord: autocomplete from what the backend offers (and the server
allows), the choice bound into the posted graph, and private refusals of names nobody offers or allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.discord_emulator import Interaction, Member
from tests.e2e.harness import World
from tests.e2e.media_support import PICTURE, assert_nothing_stored
from tests.e2e.test_history_support import answer, field_values
from tests.e2e.test_refusals import _refused_at_once
from tests.e2e.test_settings import settings, world_with_admin
from tests.fakes.comfyui import FakeConfig
from tests.fakes.comfyui.config import CHECKPOINTS_KEY, default_models

# More checkpoints than Discord can show at once.
CHECKPOINTS = [f"style-{n:02d}.safetensors" for n in range(30)] + ["juggernaut_xl.safetensors"]
LORAS = ["ink.safetensors", "grain.safetensors", "x" * 101 + ".safetensors"]


def _offering() -> FakeConfig:
    models = default_models()
    models[CHECKPOINTS_KEY] = [*models[CHECKPOINTS_KEY], *CHECKPOINTS]
    return FakeConfig(step_time_s=0.01, default_steps=4, models=models | {"LoraLoader.lora_name": LORAS})


async def _suggested(world: World, member: Member, options: dict[str, Any], focused: str) -> list[str]:
    asked: Interaction = await world.emu.send_autocomplete(
        world.guild, world.channel, member, "imagine", options, focused
    )
    await world.emu.wait_for(lambda: asked.autocomplete_choices is not None)
    return [choice["value"] for choice in asked.autocomplete_choices or []]


async def test_model_and_lora_autocomplete_offer_what_the_backend_has(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, fake_config=_offering()) as (world, _admin):
        everything = await _suggested(world, world.alice, {"prompt": "x", "model": ""}, "model")
        typed = await _suggested(world, world.alice, {"prompt": "x", "model": "JUGG"}, "model")
        loras = await _suggested(world, world.alice, {"prompt": "x", "lora": ""}, "lora")
        unknown_workflow = await _suggested(
            world, world.alice, {"prompt": "x", "workflow": "nope", "model": ""}, "model"
        )
    assert len(everything) == 25  # Discord's limit; typing narrows it
    assert typed == ["juggernaut_xl.safetensors"]
    assert loras == ["grain.safetensors", "ink.safetensors"]  # a name over 100 characters cannot be a choice
    assert unknown_workflow == []


async def test_the_chosen_model_and_loras_are_bound_into_the_posted_graph(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, fake_config=_offering()) as (world, _admin):
        options = {
            "prompt": "a fox --lora grain.safetensors:-0.5",
            "model": "juggernaut_xl.safetensors",
            "lora": "ink.safetensors",
            "lora_weight": 0.6,
        }
        interaction = await world.slash("imagine", options)
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        await world.emu.wait_for(lambda: interaction.followup_message_ids)
        [note] = world.notes(interaction)
    assert job.posted_graph is not None
    nodes = list(job.posted_graph.values())
    [checkpoint] = [n for n in nodes if n["class_type"] == "CheckpointLoaderSimple"]
    [lora] = [n for n in nodes if n["class_type"] == "LoraLoader"]
    assert checkpoint["inputs"]["ckpt_name"] == "juggernaut_xl.safetensors"
    assert lora["inputs"] | {"model": None, "clip": None} == {
        "model": None,
        "clip": None,
        "lora_name": "ink.safetensors",
        "strength_model": 0.6,
        "strength_clip": 0.6,
    }
    assert job.seed_document is not None
    assert job.seed_document["loras"] == [{"name": "ink.safetensors", "weight": 0.6}]
    assert note.ephemeral
    assert "Used lora (ink.safetensors:0.6) instead of --lora (grain.safetensors:-0.5)." in note.content


async def test_a_lora_no_backend_has_is_refused_privately_and_nothing_is_stored(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, fake_config=_offering()) as (world, _admin):
        refused = await _refused_at_once(
            world,
            await world.slash(
                "imagine",
                {"prompt": "a fox", "lora": "missing.safetensors"},
                attachments={"image": ("cat.png", PICTURE, "image/png")},
            ),
        )
        await assert_nothing_stored(world)  # no job, no upload, not even the picture it came with
    assert refused.content.startswith("No ComfyUI server here has the LoRA “missing.safetensors”")
    assert "grain.safetensors" in refused.content


async def test_settings_allow_lists_narrow_autocomplete_and_refuse_other_names(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, fake_config=_offering()) as (world, admin):
        offered = await world.emu.send_autocomplete(
            world.guild, world.channel, admin, "settings", {"name": "gr"}, "name", "allow", "loras"
        )
        await world.emu.wait_for(lambda: offered.autocomplete_choices is not None)
        allowed = await answer(
            world, await settings(world, admin, "allow", {"name": "grain.safetensors"}, "loras")
        )
        typo = await answer(
            world, await settings(world, admin, "allow", {"name": "grian.safetensors"}, "loras")
        )
        loras = await _suggested(world, world.alice, {"prompt": "x", "lora": ""}, "lora")
        forbidden = await _refused_at_once(
            world, await world.slash("imagine", {"prompt": "a fox", "lora": "ink.safetensors"})
        )
        removed = await answer(
            world, await settings(world, admin, "remove", {"name": "grain.safetensors"}, "loras")
        )
        loras_again = await _suggested(world, world.alice, {"prompt": "x", "lora": ""}, "lora")
    assert [c["value"] for c in offered.autocomplete_choices or []] == ["grain.safetensors"]
    assert field_values(allowed)["LoRAs"] == "`grain.safetensors`"
    assert "No ComfyUI server here offers “grian.safetensors”" in typo.content
    assert loras == ["grain.safetensors"]
    assert forbidden.content.startswith("This server doesn't allow the LoRA “ink.safetensors”")
    assert field_values(removed)["LoRAs"] == "any a server offers"
    assert loras_again == ["grain.safetensors", "ink.safetensors"]


def _offering_in_folders() -> FakeConfig:
    models = default_models()
    models[CHECKPOINTS_KEY] = [*models[CHECKPOINTS_KEY], "SDXL/Juggernaut_XL.safetensors"]
    loras = ["sdxl/ink.safetensors", "grain.safetensors", "styles/grain.safetensors"]
    return FakeConfig(step_time_s=0.01, default_steps=4, models=models | {"LoraLoader.lora_name": loras})


async def test_a_prompt_pasted_from_civitai_runs_with_its_lora_tags_and_short_names(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, fake_config=_offering_in_folders()) as (world, _):
        prompt = "a fox, <lora:Ink:0.8>, in snow --model juggernaut_xl"
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": prompt}))
        job = await world.job_for(message)
        ambiguous = await _refused_at_once(
            world, await world.slash("imagine", {"prompt": "a fox <lora:grain>"})
        )
        jobs_after = (await world.runtime.browser.history(world.guild.id)).jobs
    assert job.posted_graph is not None
    nodes = list(job.posted_graph.values())
    [checkpoint] = [n for n in nodes if n["class_type"] == "CheckpointLoaderSimple"]
    [lora] = [n for n in nodes if n["class_type"] == "LoraLoader"]
    assert checkpoint["inputs"]["ckpt_name"] == "SDXL/Juggernaut_XL.safetensors"
    assert (lora["inputs"]["lora_name"], lora["inputs"]["strength_model"]) == ("sdxl/ink.safetensors", 0.8)
    assert job.seed_document is not None
    assert job.seed_document["loras"] == [{"name": "sdxl/ink.safetensors", "weight": 0.8}]
    assert job.seed_document["prompt"] == "a fox, in snow"
    assert ambiguous.content == (
        "“grain” could be any of these LoRAs: grain.safetensors, styles/grain.safetensors. "
        "Give the one you mean in full."
    )
    assert len(jobs_after) == 1  # the refused one left nothing
