"""A full disk as members see it in Discord, in their server's language: the finished job says its result
waits to be saved, the next one that it waits for room; both are delivered once there is room."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.jobs.full_disk import FullDisk
from tests.discord_emulator.layout import labelled
from tests.e2e.harness import (
    assert_no_repeated_revisions,
    german_server,
    job_state,
    running_world,
    states_shown,
)

SAVING = "wartet aufs Speichern"


@pytest.mark.timeout(120)
async def test_a_full_disk_is_told_on_both_messages_and_both_results_arrive_once_there_is_room(
    database_url: str, tmp_path: Path
) -> None:
    disk = FullDisk(full=True)
    async with running_world(
        database_url,
        tmp_path,
        customize=german_server,
        open_file=disk.open,
        save_retry_s=0.05,
        save_retry_max_s=0.2,
        quiet_below_s=0,  # every state of both messages is looked at: the second job's progress too
    ) as world:
        first = await world.wait_acked(await world.slash("imagine", {"prompt": "a glacier"}))
        made = world.emu.original_response(first)
        await world.emu.wait_for(lambda: job_state(made) == SAVING, timeout=15)
        saving_status = labelled(made)["Status"]

        second = await world.wait_acked(await world.slash("imagine", {"prompt": "a fjord"}, member=world.bob))
        held = world.emu.original_response(second)
        await world.emu.wait_for(lambda: "Status" in labelled(held), timeout=5)
        held_status, held_state = labelled(held)["Status"], job_state(held)

        disk.full = False
        await world.wait_for_message_final(made, timeout=15)
        await world.wait_for_message_final(held, timeout=15)

    assert saving_status.startswith("💾 dein Ergebnis ist fertig, aber der Speicher des Bots ist voll")
    assert held_status.startswith("⏳ wartet: Der Speicher des Bots ist voll.")
    assert held_state == "queued"
    assert (job_state(made), job_state(held)) == ("done", "done")
    shown = states_shown(made)
    assert shown.index("running") < shown.index(SAVING) < shown.index("done")
    assert "running" in states_shown(held)  # it ran once there was room
    assert_no_repeated_revisions(made)
