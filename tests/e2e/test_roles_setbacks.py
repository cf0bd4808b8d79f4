"""A ComfyUI restart under a job a worker runs is told on the job's message by the worker, and the job
finishes there once the server is back, as in the one-process bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import job_state, running_world, states_shown
from tests.e2e.roles_support import worker_running
from tests.e2e.test_comfyui_restart_message import SLOW, WAITING, status_of


@pytest.mark.timeout(120)
async def test_a_comfyui_restart_under_a_workers_job_is_told_and_the_job_finishes_on_its_message(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world,
        worker_running(world, "worker-1") as worker,
    ):
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running", 15)
        await world.fake.kill()
        await world.emu.wait_for(lambda: job_state(message) == WAITING, timeout=5)
        told_while_away = status_of(message)
        await world.fake.restart()
        await world.wait_for_message_final(message, timeout=30)

    assert worker.ws is None
    assert "The ComfyUI server stopped answering" in told_while_away
    assert job_state(message) == "done"
    shown = states_shown(message)
    assert shown.index("running") < shown.index(WAITING) < shown.index("done")
