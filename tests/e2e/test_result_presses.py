"""A result's button pressed twice by the same member makes one job (Midjourney ignores the second press):
the second press hears privately which job is on it. Another member's press makes their own job, and a
press once the job is done makes a new one (core.jobs.presses)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from db.models import Job
from tests.discord_emulator import Interaction, Message
from tests.e2e.harness import World, job_state, running_world
from tests.e2e.result_support import first_result, made_from_click, made_long_ago
from tests.e2e.roles_support import worker_running


async def _children(world: World, parent_id: int) -> list[int]:
    async with world.runtime.sessions() as session:
        rows = await session.scalars(select(Job.id).where(Job.parent_id == parent_id).order_by(Job.id))
        return list(rows)


def _link(message: Message) -> str:
    return f"https://discord.com/channels/{message.guild_id}/{message.channel_id}/{message.id}"


async def _shown(world: World, click: Interaction) -> Message:
    """The message a press's job is shown on, once it shows the job queued (the fake ComfyUI is held)."""
    await world.wait_acked(click)
    message = world.emu.original_response(click)
    await world.emu.wait_for(lambda: job_state(message) is not None)
    return message


async def test_vary_pressed_twice_at_once_makes_one_job_and_the_second_press_is_told_which(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        world.fake.hold()  # the job made stays queued
        # Both presses are decided side by side (neither finds a job yet) before either is answered, as a
        # double click handled by two tasks, or two gateway processes, at the same moment.
        world.emu.hold_callbacks(2)
        custom_id = f"res:strong:{original.id}:0"
        clicks = await asyncio.gather(
            world.emu.click_button(result, custom_id, world.alice),
            world.emu.click_button(result, custom_id, world.alice),
        )
        await world.emu.wait_for(lambda: any(world.notes(click) for click in clicks))
        [refused] = [click for click in clicks if world.notes(click)]
        [made] = [click for click in clicks if click is not refused]
        assert refused.response_type == made.response_type == 5, "both were answered before either was made"

        shown = await _shown(world, made)
        job = await world.job_for(shown)
        assert await _children(world, original.id) == [job.id], "one job, one GPU run"
        [said] = world.emu.followups(refused)
        assert said.ephemeral
        assert said.content == f"Already on it: [job #{job.id}]({_link(shown)})."
        assert world.emu.original_response(refused).deleted, "its thinking… is gone, nothing public stays"

        world.fake.go()
        await world.wait_for_message_final(shown)


async def test_a_press_again_while_the_job_lives_is_answered_privately_another_members_is_their_own(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        result, original, _ = await first_result(world)
        world.fake.hold()
        for custom_id in (f"res:upscale:{original.id}:0", f"job:reroll:{original.id}"):
            first = await _shown(world, await world.emu.click_button(result, custom_id, world.alice))
            job = await world.job_for(first)
            again = await world.emu.click_button(result, custom_id, world.alice)
            await world.wait_acked(again)
            # Known before answering: the refusal is the first answer, private (type 4), no "thinking…".
            assert (again.response_type, again.ephemeral) == (4, True)
            reply = world.emu.original_response(again)
            assert reply.content == f"Already on it: [job #{job.id}]({_link(first)})."

            theirs = await _shown(world, await world.emu.click_button(result, custom_id, world.bob))
            assert (await world.job_for(theirs)).user_id == world.bob.id, "another member's own job"
        assert len(await _children(world, original.id)) == 4
        world.fake.go()


async def test_a_press_once_its_job_is_done_makes_a_new_one(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        custom_id = f"res:subtle:{original.id}:0"
        _, job = await made_from_click(world, await world.emu.click_button(result, custom_id, world.alice))
        await made_long_ago(world, job.id)  # done, and not a double click's second press
        _, second = await made_from_click(world, await world.emu.click_button(result, custom_id, world.alice))
        assert second.id != job.id, "a second variation, on purpose"
        assert await _children(world, original.id) == [job.id, second.id]


async def test_a_vary_reaction_added_again_while_its_job_runs_makes_no_second_job(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        world.fake.hold()
        known = len(world.job_messages())
        await world.emu.add_reaction(result, world.channel, world.alice, "🎲")
        await world.emu.wait_for(lambda: len(world.job_messages()) > known)
        await world.emu.remove_reaction(result, world.channel, world.alice, "🎲")
        await world.emu.add_reaction(result, world.channel, world.alice, "🎲")

        def notice() -> Message | None:
            said = [m for m in world.emu.messages.get(world.channel.id, []) if "Already on it" in m.content]
            return said[0] if said else None

        told = await world.emu.wait_for(notice)
        [job_id] = await _children(world, original.id)
        assert f"job #{job_id}" in told.content
        world.fake.go()


async def test_a_form_sent_again_with_the_same_answers_makes_no_second_job_other_answers_do(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        world.fake.hold()
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        form = f"remix:{original.id}:0"
        fields: dict[str, str | list[str]] = {
            "prompt": "a paper plane",
            "negative_prompt": "",
            "strength": "0.5",
        }
        first = await _shown(world, await world.emu.submit_modal(form, fields, world.alice, world.channel))
        job = await world.job_for(first)
        again = await world.emu.submit_modal(form, fields, world.alice, world.channel)
        await world.wait_acked(again)
        assert (again.response_type, again.ephemeral) == (4, True)
        assert (
            world.emu.original_response(again).content == f"Already on it: [job #{job.id}]({_link(first)})."
        )

        other = {**fields, "prompt": "a paper kite"}
        await _shown(world, await world.emu.submit_modal(form, other, world.alice, world.channel))
        assert len(await _children(world, original.id)) == 2, "other words are another request"
        world.fake.go()


async def test_a_double_click_at_a_gateway_process_makes_one_job_that_a_worker_runs(
    postgres_url: str, tmp_path: Path
) -> None:
    # The rule is the database's, not a process's memory: a gateway process (python -m bot gateway) keeps it
    # too, and the worker runs the one job.
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a paper boat"}))
        original = await world.job_for(result)
        world.emu.hold_callbacks(2)
        custom_id = f"res:zoom2:{original.id}:0"
        clicks = await asyncio.gather(
            world.emu.click_button(result, custom_id, world.alice),
            world.emu.click_button(result, custom_id, world.alice),
        )
        await world.emu.wait_for(lambda: any(world.notes(click) for click in clicks))
        [made] = [click for click in clicks if not world.notes(click)]
        zoomed = await world.wait_for_final(made)
        assert await _children(world, original.id) == [(await world.job_for(zoomed)).id]
