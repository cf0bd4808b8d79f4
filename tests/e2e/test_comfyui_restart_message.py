"""The job's message through a ComfyUI restart, as a member sees it in Discord (issue 12 item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord_emulator.layout import footers, labelled
from tests.discord_emulator.models import Message
from tests.e2e.harness import (
    assert_no_repeated_revisions,
    is_final,
    job_state,
    running_world,
    states_shown,
)
from tests.fakes.comfyui import FakeConfig
from tests.faults.test_graceful_stop import elapsed_shown, seconds

SLOW = FakeConfig(step_time_s=0.05, default_steps=40)
WAITING = "waiting for its server"


def status_of(message: Message) -> str:
    return labelled(message).get("Status", "")


@pytest.mark.timeout(120)
async def test_a_comfyui_restart_is_told_on_the_message_and_the_job_finishes_there(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        _, message = await world.imagine_running("a glacier")

        await world.fake.kill()
        await world.emu.wait_for(lambda: job_state(message) == WAITING, timeout=5)
        told_while_away = status_of(message)
        await world.fake.restart()
        await world.wait_for_message_final(message, timeout=30)

    assert "The ComfyUI server stopped answering" in told_while_away
    assert job_state(message) == "done"
    assert is_final(message)
    shown = states_shown(message)
    assert shown.index("running") < shown.index(WAITING) < shown.index("done")
    assert_no_repeated_revisions(message)
    # "took" counts the whole job, as Elapsed did: not only the attempt after the restart.
    took = seconds(footers(message)[-1].split("took ", 1)[1])
    assert took >= max(elapsed_shown(message)), (took, elapsed_shown(message))


@pytest.mark.timeout(120)
async def test_after_a_comfyui_restart_the_job_shows_its_place_again_once_queued_again(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        _, message = await world.imagine_running("a glacier")

        await world.fake.kill()
        await world.emu.wait_for(lambda: job_state(message) == WAITING, timeout=5)
        await world.fake.restart(held=True)  # the job is sent again, and waits there until go()
        await world.emu.wait_for(lambda: job_state(message) == "queued", timeout=30)
        queued_again = labelled(message)
        world.fake.go()
        await world.wait_for_message_final(message, timeout=30)

    # Its place, as any queued job: not a frozen "starts again in a moment" and Elapsed.
    assert queued_again["Place in queue"] == "sent to the server, you are next there", queued_again
    assert "Elapsed" not in queued_again
    # Whether its first "queued" was shown before it ran depends on the machine's speed: from its run on.
    shown = states_shown(message)
    assert shown[shown.index("running") :] == ["running", WAITING, "queued", "running", "done"]
    assert_no_repeated_revisions(message)
