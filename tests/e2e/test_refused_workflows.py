"""A workflow the ComfyUI server refuses (POST /prompt answered 400: here a model deleted from it since the
bot checked the workflow) fails with plain words in the channel: what the member can do, no node, input or
file name. Those go where operators look: the log line of the job (with its job_id and prompt_id) and
/workflows test, which a manager runs privately to see what ComfyUI said."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from background.log_context import LogContextFilter
from tests.discord_emulator.layout import text_of
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import job_state, running_world
from tests.fakes.comfyui.config import CHECKPOINTS_KEY

_TECHNICAL = ("CheckpointLoaderSimple", "ckpt_name", ".safetensors", "node ", "not in list")


@pytest.fixture(autouse=True)
def _log_context_on_records(caplog: pytest.LogCaptureFixture) -> None:
    """The job's ids travel in the log context; the captured records get them as the bot's handler does."""
    caplog.handler.addFilter(LogContextFilter())


async def test_a_model_gone_from_the_server_is_told_plainly_and_its_file_only_to_the_log(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="core.jobs")
    async with running_world(database_url, tmp_path) as world:
        world.fake.config.models[CHECKPOINTS_KEY] = []  # deleted from models/checkpoints meanwhile
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        job = await world.job_for(message)

    shown = text_of(message)
    assert job_state(message) == "failed"
    assert "missing a model this workflow needs" in shown
    assert not [word for word in _TECHNICAL if word in shown], shown
    [line] = [
        r for r in caplog.records if getattr(r, "job_id", None) == job.id and "refused" in r.getMessage()
    ]
    assert line.levelno == logging.WARNING
    assert "ckpt_name" in line.getMessage()
    assert "CheckpointLoaderSimple" in line.getMessage()
    assert getattr(line, "prompt_id", None) == job.prompt_id


async def test_workflows_test_tells_its_manager_which_node_and_file_comfyui_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        world.fake.config.models[CHECKPOINTS_KEY] = []
        tried = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "workflows", {"name": "txt2img"}, subcommand="test"
        )
        message = await world.wait_for_final(tried)

    shown = text_of(message)
    assert job_state(message) == "failed"
    assert "CheckpointLoaderSimple" in shown
    assert "ckpt_name" in shown
