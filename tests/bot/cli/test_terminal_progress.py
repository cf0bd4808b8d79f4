"""The generate command's progress display, and that it never takes delivery of the bot's own jobs."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.cli.terminal_progress import NotThisCommandsJob, TerminalProgress
from core.jobs.snapshots import JobView
from core.jobs.updates import (
    Hold,
    JobCompleted,
    JobFailed,
    JobProgress,
    JobQueued,
    JobSetback,
    JobStarted,
    Setback,
)
from core.kinds import IMAGE, ImageParams
from db.enums import DeliveryState, JobStatus

JOB = JobView(
    id=7,
    guild_id=0,
    channel_id=0,
    user_id=0,
    kind=IMAGE,
    raw_input="a fox",
    params=ImageParams(prompt="a fox", seed=1),
    workflow_name="txt2img",
    status=JobStatus.RUNNING,
    error_message=None,
    attempts=1,
    prompt_id="p",
    backend_url="http://comfy",
    queued_at=datetime.now(UTC),
    started_at=None,
    finished_at=None,
    response_message_id=None,
    channel_message_id=None,
    parent_id=None,
    delivery_state=DeliveryState.PENDING,
)


def steps(node: str, total: int) -> list[JobProgress]:
    return [JobProgress(step, total, node, elapsed_s=step / 10) for step in range(1, total + 1)]


async def test_a_terminal_gets_one_bar_redrawn_in_place() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, own_guild_id=0, is_tty=True)
    progress.follow(JOB.id)
    await progress.job_updated(JOB, JobStarted())
    for update in steps("KSampler", 4):
        await progress.job_updated(JOB, update)
    await progress.job_updated(JOB, JobCompleted(()))
    text = stream.getvalue()
    assert text.startswith("job 7: started\n")
    assert text.count("\r[") == 4
    assert f"\r[{'#' * 30}] 4/4 KSampler" in text
    assert f"\r[{'#' * 15}{'-' * 15}] 2/4 KSampler" in text
    assert text.endswith("\n")  # the bar's line is ended before anything else is printed
    assert await progress.final(JOB.id) == JobCompleted(())


async def test_a_log_file_gets_a_line_per_tenth_of_the_steps_not_per_step() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, own_guild_id=0, is_tty=False)
    progress.follow(JOB.id)
    for update in steps("KSampler", 100):
        await progress.job_updated(JOB, update)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert len(lines) == 11  # 1/100 .. 9/100 share a tenth; then 10, 20, ... 100
    assert lines[0] == "job 7: KSampler 1/100 (0.1 s)"
    assert lines[-1] == "job 7: KSampler 100/100 (10.0 s)"


async def test_a_full_disk_is_said_in_plain_words_while_the_job_waits() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, own_guild_id=0, is_tty=False)
    progress.follow(JOB.id)
    await progress.job_updated(JOB, JobQueued(0, None, Hold.DISK_FULL))
    await progress.job_updated(JOB, JobSetback(Setback.DISK_FULL, 3.0))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "job 7: queued at position 1 (waiting: the bot's disk is full)"
    assert lines[1].startswith("job 7: 💾 your result is made, but the bot's disk is full")


async def test_results_of_the_bots_jobs_are_refused_so_the_bot_delivers_them() -> None:
    progress = TerminalProgress(io.StringIO(), own_guild_id=0, is_tty=False)
    discord_job = replace(JOB, id=8, guild_id=1234)
    with pytest.raises(NotThisCommandsJob):
        await progress.job_updated(discord_job, JobFailed("boom"))
    await progress.job_updated(discord_job, JobStarted())  # progress of it is merely ignored
    # A job of an earlier, interrupted run of this command is taken quietly: nobody else can deliver it.
    await progress.job_updated(replace(JOB, id=9), JobFailed("old"))
