"""SIGTERM (Docker, systemd) stops the bot gracefully: no new jobs, the delivery under way finishes, running
jobs are handed over with their start times, and the process exits with 0 after closing cleanly."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.discord_emulator import Message
from tests.discord_emulator.layout import footers, labelled
from tests.e2e.harness import is_final, job_state
from tests.fakes.comfyui import FakeConfig
from tests.faults.world import running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

NO_PREVIEWS = FakeConfig(step_time_s=0.01, default_steps=6, previews=False)
# About 6 s of sampling: long enough to be stopped in the middle.
SLOW = FakeConfig(step_time_s=0.15, default_steps=40, previews=False)
_DURATION = re.compile(r"(?:(\d+) min )?(\d+(?:\.\d+)?) s")


def seconds(shown: str) -> float:
    """format_duration's text ("4.2 s", "12 s", "1 min 03 s") back to seconds."""
    match = _DURATION.search(shown)
    assert match, shown
    return int(match[1] or 0) * 60 + float(match[2])


def elapsed_shown(message: Message) -> list[float]:
    """Every "Elapsed" the message showed, in order."""
    shown = []
    for revision in message.revisions:
        if "Elapsed" in labelled(revision):
            shown.append(seconds(labelled(revision)["Elapsed"]))
    return shown


@pytest.mark.timeout(120)
async def test_sigterm_lets_the_delivery_under_way_finish_and_exits_with_0(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=NO_PREVIEWS) as world:
        place = world.places[0]
        # The result's upload is held back 3 s by a rate limit: the delivery is under way when SIGTERM comes.
        held = world.emu.fail_next("PATCH", r"/messages/", 429, retry_after=3.0, with_files=True)
        interaction = await world.imagine(place, place.users[0], "a paper lantern")
        await world.emu.wait_for(lambda: held.hits == 1, 30)
        world.bot.send_sigterm()
        await world.bot.wait_for_log("SIGTERM: stopping gracefully")
        # While it stops, a request is still answered and stored, but no new job is started.
        late = await world.imagine(place, place.users[1], "a late lantern")
        await world.emu.wait_for(lambda: late.acked, 10)
        exit_code = await world.bot.wait_exit()

        message = world.emu.original_response(interaction)
        rows = await world.job_rows()
    assert exit_code == 0, world.bot.log_text()
    assert is_final(message), "the result was delivered before the process stopped"
    assert job_state(message) == "done"
    assert message.attachments
    assert [(row.status, row.delivery_state) for row in rows] == [
        ("succeeded", "delivered"),
        ("queued", "pending"),
    ]
    assert len(world.fake.prompts_received) == 1, "the late request waits for the next start"


@pytest.mark.timeout(150)
async def test_sigterm_mid_job_hands_it_over_and_its_times_survive_the_restart(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
        place = world.places[0]
        interaction = await world.imagine(place, place.users[0], "a slow comet")
        await world.emu.wait_for(lambda: interaction.acked, 15)
        message = world.emu.original_response(interaction)
        # Stop it once its message has counted a second or more of the job.
        await world.emu.wait_for(lambda: any(s >= 1.0 for s in elapsed_shown(message)), 30)
        before_stop = max(elapsed_shown(message))
        stopped_at = datetime.now(UTC)
        exit_code = await world.bot.terminate()
        [handed] = await world.job_rows()

        await world.bot.start()
        await world.emu.wait_for(lambda: is_final(message), 60)
        [done] = await world.wait_for_rows(lambda rows: rows[0].delivery_state == "delivered")

    assert exit_code == 0, world.bot.log_text()
    assert handed.status == "running", "not failed, not requeued: the prompt is still on ComfyUI"
    assert handed.lease_expires_at <= datetime.now(UTC), (
        "the lease was released: the next worker need not wait"
    )
    assert handed.started_at is not None
    assert handed.started_at < stopped_at
    assert job_state(message) == "done"
    assert shown_job_id(message) == done.id
    assert done.started_at == handed.started_at, "the start time survived the restart"
    assert len(world.fake.prompts_received) == 1, "followed after the restart, not run again"
    elapsed = elapsed_shown(message)
    assert elapsed == sorted(elapsed), f"Elapsed went back after the restart: {elapsed}"
    footer = footers(message)[-1]
    took = re.search(r"took ([^·]+)", footer)
    assert took, footer
    assert seconds(took[1]) >= before_stop, "'took' counts from the real start, before the restart"
