"""A node that fails while the prompt runs (ComfyUI's execution_error: here a KSampler that raises, or that
runs out of the GPU's memory) fails with a plain sentence in the channel: no node, no exception's type or
message.
Those go where operators look: the job's log line (with its job_id and prompt_id), its stored detail,
/workflows test, which a manager runs privately to see what ComfyUI said, and a manager's /show of the failed
job, answered to them alone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from background.log_context import LogContextFilter
from db.models.job import Job
from tests.discord_emulator.layout import text_of, texts
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World, job_state, running_world
from tests.e2e.test_deleted_results import listed_ids
from tests.e2e.test_history_support import answer
from tests.fakes.comfyui import FakeConfig

_TECHNICAL = (
    "KSampler",
    "RuntimeError",
    "simulated failure",
    "OutOfMemoryError",
    "torch",
    "Allocation",
    "step ",
)


@pytest.fixture(autouse=True)
def _log_context_on_records(caplog: pytest.LogCaptureFixture) -> None:
    """The job's ids travel in the log context; the captured records get them as the bot's handler does."""
    caplog.handler.addFilter(LogContextFilter())


async def _detail(world: World, job_id: int) -> str | None:
    async with world.runtime.sessions() as session:
        return await session.scalar(select(Job.error_detail).where(Job.id == job_id))


async def test_a_node_that_fails_is_told_plainly_and_its_exception_only_to_the_operator(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="core.jobs")
    broken = FakeConfig(step_time_s=0.01, default_steps=2, runtime_error_class="KSampler")
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        job = await world.job_for(message)
        detail = await _detail(world, job.id)

    shown = text_of(message)
    assert job_state(message) == "failed"
    assert "Something went wrong on the ComfyUI server while making this" in shown
    assert not [word for word in _TECHNICAL if word in shown], shown
    assert detail is not None
    assert "KSampler" in detail
    assert "RuntimeError: KSampler: simulated failure" in detail
    [line] = [
        r
        for r in caplog.records
        if getattr(r, "job_id", None) == job.id and "failed running" in r.getMessage()
    ]
    assert line.levelno == logging.WARNING
    assert "(KSampler) raised RuntimeError: KSampler: simulated failure" in line.getMessage()
    assert getattr(line, "prompt_id", None) == job.prompt_id


async def test_a_server_out_of_memory_asks_the_member_for_a_lighter_job(
    database_url: str, tmp_path: Path
) -> None:
    broken = FakeConfig(
        step_time_s=0.01, default_steps=2, runtime_error_class="KSampler", runtime_error_out_of_memory=True
    )
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        job = await world.job_for(message)
        detail = await _detail(world, job.id)

    shown = text_of(message)
    assert job_state(message) == "failed"
    assert "The ComfyUI server ran out of memory while making this: try a lower quality." in shown
    assert not [word for word in _TECHNICAL if word in shown], shown
    assert detail is not None
    assert "(KSampler) raised torch.OutOfMemoryError: Allocation on device" in detail


async def test_workflows_test_tells_its_manager_which_node_failed_and_how(
    database_url: str, tmp_path: Path
) -> None:
    broken = FakeConfig(step_time_s=0.01, default_steps=2, runtime_error_class="KSampler")
    async with world_with_admin(database_url, tmp_path, fake_config=broken) as (world, admin):
        tried = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "workflows", {"name": "txt2img"}, subcommand="test"
        )
        message = await world.wait_for_final(tried)

    shown = text_of(message)
    assert job_state(message) == "failed"
    assert "step KSampler: KSampler: simulated failure" in shown


async def test_a_managers_show_of_a_failed_job_tells_them_alone_what_the_server_said(
    database_url: str, tmp_path: Path
) -> None:
    broken = FakeConfig(step_time_s=0.01, default_steps=2, runtime_error_class="KSampler")
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        failed = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        job = await world.job_for(failed)
        mods_show = await answer(world, await world.slash("show", {"job": job.id}, member=world.mod))
        makers_show = await answer(world, await world.slash("show", {"job": job.id}, member=world.alice))
        others_show = await answer(world, await world.slash("show", {"job": job.id}, member=world.bob))
        posted_by_show = [
            m for m in world.bot_messages() if (m.interaction_metadata or {}).get("name") == "show"
        ]

    assert job.user_id == world.alice.id
    assert mods_show.ephemeral
    assert mods_show.content.startswith(f"Job #{job.id} failed, so it has no results to show.")
    assert "only moderators can see this" in mods_show.content
    block = mods_show.content.split("```\n", 1)[1]
    assert block.endswith("\n```")
    assert "(KSampler) raised RuntimeError: KSampler: simulated failure" in block
    for plain in (makers_show, others_show):
        assert plain.ephemeral
        assert plain.content == f"Job #{job.id} has no results to show (it is failed)."
        assert not [word for word in _TECHNICAL if word in plain.content], plain.content
    assert posted_by_show == [], "nothing of it reached the channel"


async def test_history_lists_only_the_failed_jobs_when_asked(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        made = await world.job_for(
            await world.wait_for_final(await world.slash("imagine", {"prompt": "a fox"}))
        )
        world.fake.config.runtime_error_class = "KSampler"
        broken = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        failed = await world.job_for(broken)
        failures = await answer(world, await world.slash("history", {"status": "failed"}))
        successes = await answer(world, await world.slash("history", {"status": "succeeded"}))
        everything = await answer(world, await world.slash("history"))

    assert job_state(broken) == "failed"
    assert listed_ids(texts(failures)[0]) == [failed.id]
    assert texts(failures)[0].startswith("## History\nfailed\n")
    assert listed_ids(texts(successes)[0]) == [made.id]
    assert listed_ids(texts(everything)[0]) == [failed.id, made.id]
