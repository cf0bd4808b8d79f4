"""Refusals of a result's actions: private, first, and nothing stored (no job, no input, no upload)."""

from __future__ import annotations

from pathlib import Path

from core.jobs.policy import Requester
from db.units.job_inputs import JobInputStore
from tests.discord_emulator import Interaction
from tests.e2e.harness import World, running_world
from tests.e2e.result_support import first_result


async def assert_refused_privately(world: World, interaction: Interaction, words: str) -> None:
    await world.wait_acked(interaction)
    assert (interaction.response_type, interaction.ephemeral) == (4, True), "the refusal is the first answer"
    reply = world.emu.original_response(interaction)
    assert reply.ephemeral
    assert words in reply.content
    assert interaction.followup_message_ids == []


async def test_another_members_result_is_theirs_unless_the_server_allows_anyone(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        uploads, shown = len(world.fake.uploads), len(world.job_messages())
        for custom_id in (f"res:strong:{original.id}:0", f"res:remix:{original.id}:0"):
            refused = await world.emu.click_button(result, custom_id, world.bob)
            await assert_refused_privately(world, refused, "only the person who asked")
        assert len(world.fake.uploads) == uploads
        assert len(world.job_messages()) == shown, "no job was made"
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()

        moderated = await world.emu.click_button(result, f"res:subtle:{original.id}:0", world.mod)
        job = await world.job_for(await world.wait_for_final(moderated))
        assert job.user_id == world.mod.id
        assert job.parent_id == original.id


async def test_a_deleted_result_and_a_missing_file_are_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        (world.data_dir / artifact.path).unlink()
        gone = await world.emu.click_button(result, f"res:strong:{original.id}:0", world.alice)
        await assert_refused_privately(world, gone, "no longer kept")

        second, other, _ = await first_result(world)
        await world.runtime.service.delete_result(
            other.id, guild_id=world.guild.id, requester=Requester(world.alice.id, world.channel.id)
        )
        deleted = await world.emu.click_button(second, f"res:subtle:{other.id}:0", world.alice)
        await assert_refused_privately(world, deleted, f"can't find job #{other.id}")
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()
        assert await JobInputStore(world.runtime.sessions).made_from(other.id) == ()


async def test_a_result_of_another_server_is_not_found(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        elsewhere = world.emu.add_guild(name="Elsewhere")
        channel = world.emu.add_channel(elsewhere, "general")
        eve = world.emu.add_member(elsewhere, name="eve")
        await world.emu.guild_create(elsewhere)
        # A message over there carrying a button that names a job of this server (copied, or forged).
        button = {"type": 2, "style": 2, "label": "V", "custom_id": f"res:strong:{original.id}:0"}
        posted = await world.emu.messaging.post(
            channel,
            world.emu.bot_user,
            {"content": "a copy", "components": [{"type": 1, "components": [button]}]},
        )
        refused = await world.emu.click_button(posted, f"res:strong:{original.id}:0", eve)
        await assert_refused_privately(world, refused, f"can't find job #{original.id}")
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()
        assert not result.deleted


async def test_a_refused_remix_gives_back_what_was_written(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        fields: dict[str, str | list[str]] = {"prompt": "a boat full of gore", "strength": "0.5"}
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        await assert_refused_privately(world, submitted, "a boat full of gore")
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()


async def test_a_strength_outside_zero_to_one_typed_in_a_form_is_refused_and_stores_nothing(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        uploads, shown = len(world.fake.uploads), len(world.job_messages())
        for typed in ("1.5", "-0.1"):
            opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
            await world.wait_acked(opened)
            fields: dict[str, str | list[str]] = {"prompt": "a paper plane", "strength": typed}
            submitted = await world.emu.submit_modal(
                f"remix:{original.id}:0", fields, world.alice, world.channel
            )
            await assert_refused_privately(
                world, submitted, f"Strength must be from 0 to 1, like 0.6 (not {typed})"
            )
        assert len(world.fake.uploads) == uploads
        assert len(world.job_messages()) == shown, "no job was made"
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()


async def test_an_older_upscales_remix_button_is_refused_before_its_form_opens(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        upscale_click = await world.emu.click_button(result, f"res:upscale:{original.id}:0", world.alice)
        upscale = await world.job_for(await world.wait_for_final(upscale_click))
        # Its message as the bot drew it before an upscale offered no Remix.
        button = {"type": 2, "style": 2, "label": "Remix", "custom_id": f"res:remix:{upscale.id}:0"}
        older = await world.emu.messaging.post(
            world.channel,
            world.emu.bot_user,
            {"content": "an upscale", "components": [{"type": 1, "components": [button]}]},
        )
        refused = await world.emu.click_button(older, f"res:remix:{upscale.id}:0", world.alice)
        await assert_refused_privately(world, refused, "has no prompt to redraw, so Remix can't work from it")
