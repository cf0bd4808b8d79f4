"""A job whose prompt waits in a busy ComfyUI server's own queue (claimed and sent at once: PREQUEUE_DEPTH)
tells its member so, with its place there and a wait, until the server begins it: never a bare "thinking…"."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.discord_emulator.layout import labelled, text_of
from tests.e2e.harness import FAST_REPORTING, job_state, running_world, states_shown
from tests.fakes.comfyui import FakeConfig


async def test_a_job_waiting_in_a_busy_server_shows_it_is_next_there_before_it_runs(
    database_url: str, tmp_path: Path
) -> None:
    reporting = replace(FAST_REPORTING, edit_interval_s=0.15)
    # The periodic round of places never comes here (an hour): what the message shows, the job's prompt
    # being sent said at once.
    async with running_world(
        database_url,
        tmp_path,
        fake_config=FakeConfig(step_time_s=0.02, default_steps=4),
        reporting=reporting,
        prequeue_depth=1,
        position_refresh_s=3600.0,
    ) as world:
        world.fake.hold_mid_run()  # the first job runs and stays running: the server is busy
        await world.imagine_running("a lighthouse at dusk")
        second = await world.slash("imagine", {"prompt": "a red fox in the snow"})
        await world.wait_acked(second)
        message = world.emu.original_response(second)
        await world.emu.wait_for(
            lambda: "sent to the server" in labelled(message).get("Place in queue", ""), 15
        )

        assert len(world.fake.pending_prompt_ids) == 1, "its prompt waits in the server's own queue"
        assert job_state(message) == "queued"
        assert labelled(message)["Place in queue"] == "sent to the server, you are next there"
        assert "Ready in about" in labelled(message), text_of(message)
        world.fake.go()
        await world.wait_for_final(second)
        assert states_shown(message) == ["queued", "running", "done"]
