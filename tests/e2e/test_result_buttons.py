"""The buttons under a result: reroll, variations, info, delete; they keep working after a restart."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tests.discord_emulator import Message
from tests.e2e.harness import World, running_world


async def _first_result(world: World, prompt: str = "a paper boat --seed 7") -> Message:
    interaction = await world.slash("imagine", {"prompt": prompt})
    return await world.wait_for_final(interaction)


async def test_reroll_makes_a_new_job_with_the_same_parameters_and_a_new_seed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        # By default only the requester may regenerate: bob is told privately, and nothing public was ever
        # made: the refusal is the first answer (type 4, ephemeral), not a "thinking…" (type 5).
        refused = await world.emu.click_button(result, f"job:reroll:{original.id}", world.bob)
        await world.wait_acked(refused)
        assert (refused.response_type, refused.ephemeral) == (4, True)
        reply = world.emu.original_response(refused)
        assert reply.ephemeral
        assert "only the person who asked" in reply.content
        assert refused.followup_message_ids == []

        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.bob)
        rerolled = await world.wait_for_final(click)
        assert rerolled.id != result.id, "a new message; the original result stays"
        job = await world.job_for(rerolled)
        assert job.parent_id == original.id
        assert job.user_id == world.bob.id, "the clicking member's job, under their limits"
        assert job.seed != original.seed
        assert job.params.prompt == original.params.prompt
        assert not result.deleted


async def test_variations_make_four_takes(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        click = await world.emu.click_button(result, f"job:vary:{original.id}", world.alice)
        varied = await world.wait_for_final(click)
        assert len(varied.attachments) == 4
        assert (await world.job_for(varied)).params.count == 4


async def test_info_shows_every_parameter_privately(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world, "a paper boat --seed 7 --ar 3:2 --no people")
        job = await world.job_for(result)
        click = await world.emu.click_button(result, f"job:info:{job.id}", world.bob)
        await world.emu.wait_for(lambda: click.acked and world.emu.original_response(click).embeds)
        info = world.emu.original_response(click)
        assert info.ephemeral
        text = str(info.embeds[0])
        for expected in ("a paper boat", "3:2", "people", "7", "txt2img", f"Job #{job.id}"):
            assert expected in text, expected


async def test_delete_is_for_the_requester_or_a_moderator(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        job = await world.job_for(result)
        refused = await world.emu.click_button(result, f"job:delete:{job.id}", world.bob)
        await world.emu.wait_for(lambda: refused.followup_message_ids)
        [reply] = world.emu.followups(refused)
        assert reply.ephemeral
        assert "Only the person who asked" in reply.content
        assert not result.deleted

        allowed = await world.emu.click_button(result, f"job:delete:{job.id}", world.mod)
        await world.emu.wait_for(lambda: result.deleted)
        assert allowed.response_type == 6, "acknowledged without a visible message"

        second = await _first_result(world, "a second boat")
        second_job = await world.job_for(second)
        await world.emu.click_button(second, f"job:delete:{second_job.id}", world.alice)
        await world.emu.wait_for(lambda: second.deleted)


async def test_buttons_keep_working_after_the_bot_restarted(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        await world.restart_bot()
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.alice)
        rerolled = await world.wait_for_final(click)
        assert (await world.job_for(rerolled)).parent_id == original.id
        info = await world.emu.click_button(result, f"job:info:{original.id}", world.alice)
        await world.emu.wait_for(lambda: info.acked and world.emu.original_response(info).embeds)


async def test_upscale_button_only_when_an_upscale_workflow_exists(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        labels = [c.get("label") for row in result.components for c in row["components"]]
        assert "Upscale" not in labels
        assert labels == ["Reroll", "Variations", "Info", "Delete"]


async def test_upscale_runs_the_same_picture_through_the_upscale_workflow(
    database_url: str, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    template = resources.files("core.kinds.templates").joinpath("txt2img.json").read_bytes()
    (workflows / "upscale-2x.json").write_bytes(template)
    async with running_world(database_url, tmp_path, workflows_dir=workflows) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        labels = [c.get("label") for row in result.components for c in row["components"]]
        assert labels == ["Reroll", "Variations", "Upscale", "Info", "Delete"]
        click = await world.emu.click_button(result, f"job:upscale:{original.id}", world.alice)
        upscaled = await world.wait_for_final(click)
        job = await world.job_for(upscaled)
        assert job.workflow_name == "upscale-2x"
        assert job.parent_id == original.id
        assert job.seed == original.seed, "the same picture, through the upscale workflow"
