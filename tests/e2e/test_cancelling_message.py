"""A job cancelled while it runs: its message says at once that it is being cancelled, while ComfyUI has yet
to stop it (or its server is away), then that it was; it never shows the job going on in between. /cancel's
own reply does not wait for ComfyUI either."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.enums import JobStatus
from tests.discord_emulator import Interaction, Message
from tests.discord_emulator.layout import labelled, text_of
from tests.e2e.harness import World, assert_no_repeated_revisions, job_state, running_world, states_shown
from tests.e2e.job_messages import is_final
from tests.e2e.test_history_support import answer
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.05, default_steps=40)
WAITING = "waiting for its server"


async def cancel_and_see_it_cancelling(world: World, message: Message) -> tuple[Interaction, dict[str, str]]:
    """/cancel as alice; what the job's message lists once it says the job is being cancelled."""
    command = await world.slash("cancel")
    await world.emu.wait_for(lambda: job_state(message) == "cancelling", timeout=15)
    return command, labelled(message)


async def assert_cancel_replied(world: World, command: Interaction) -> None:
    reply = await answer(world, command)
    assert reply.content.startswith("Cancelling job #"), reply.content


def assert_cancelling_then_cancelled(message: Message, shown: dict[str, str]) -> None:
    # Nothing of a job going on: no progress bar, no wait, no clock.
    assert not {"Progress", "Ready in about", "Elapsed", "Status"} & shown.keys(), shown
    assert "Cancelling" in text_of(message.revisions[-2]), text_of(message.revisions[-2])
    states = states_shown(message)
    # Once cancelling, it only ever says it was cancelled.
    assert states[states.index("cancelling") :] == ["cancelling", "cancelled"], states
    assert_no_repeated_revisions(message)


@pytest.mark.timeout(60)
async def test_a_running_job_says_it_is_cancelling_until_comfyui_has_stopped_it(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        world.fake.hold_mid_run()  # the job's first step is told, then ComfyUI sees no interrupt until go()
        _, message = await world.imagine_running("a glacier")

        command, shown = await cancel_and_see_it_cancelling(world, message)
        world.fake.go()
        await world.wait_for_message_final(message)
        await assert_cancel_replied(world, command)

    assert job_state(message) == "cancelled"
    assert_cancelling_then_cancelled(message, shown)


@pytest.mark.timeout(60)
async def test_a_job_cancelled_while_its_server_is_away_no_longer_says_it_resumes(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        _, message = await world.imagine_running("a glacier")
        await world.fake.kill()
        await world.emu.wait_for(lambda: job_state(message) == WAITING, timeout=5)

        command, shown = await cancel_and_see_it_cancelling(world, message)
        await world.fake.restart()
        await world.wait_for_message_final(message, timeout=30)
        await assert_cancel_replied(world, command)

    assert job_state(message) == "cancelled"
    assert_cancelling_then_cancelled(message, shown)


@pytest.mark.timeout(60)
async def test_cancel_replies_once_the_cancel_is_recorded_without_waiting_for_comfyui(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        world.fake.hold_mid_run()  # ComfyUI holds the running prompt and heeds no interrupt until go()
        _, message = await world.imagine_running("a glacier")
        job = (await world.runtime.browser.history(world.guild.id, limit=1)).jobs[0]

        reply = await answer(world, await world.slash("cancel"))
        # Heard back while ComfyUI still holds the prompt: it cannot have confirmed the cancel yet.
        held_prompt, final_before = world.fake.running_prompt_id, is_final(message)
        asked = await world.runtime.store.cancel_request(job.id)
        world.fake.go()
        await world.wait_for_message_final(message)
        ended = await world.runtime.service.get(job.id, guild_id=world.guild.id)

    assert reply.ephemeral
    assert reply.content == f"Cancelling job #{job.id}. Its message will say so in a moment."
    assert held_prompt == job.prompt_id
    assert not final_before
    assert asked is not None, "the cancel is kept with the job before the member hears back"
    assert asked.by_user_id == world.alice.id
    assert ended.status is JobStatus.CANCELLED
    assert job_state(message) == "cancelled"
