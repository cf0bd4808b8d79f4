"""While the ComfyUI server is away the running message says so, and what becomes of the job (issue 12, 3)."""

from __future__ import annotations

import pytest

from bot.locales import english
from bot.ui.job_messages import OutgoingFile, ProgressState, render_running, render_setback
from bot.ui.rendering import Rendering
from core.jobs.updates import JobSetback, Setback
from db.enums import JobStatus
from tests.bot.history_factories import a_job

RUNNING = a_job(status=JobStatus.RUNNING)

ENGLISH = english()


def fields(rendering: Rendering) -> dict[str, str]:
    """The "**Name:** value" lines of a job message's text."""
    lines = [line[2:].partition(":** ") for line in rendering.body.splitlines() if line.startswith("**")]
    return {name: value for name, _, value in lines}


@pytest.mark.parametrize(
    ("update", "says"),
    [
        (JobSetback(Setback.SERVER_AWAY, 4.0), "stopped answering. Your job resumes as soon as it is back"),
        (JobSetback(Setback.SERVER_AWAY, 4.0, other_server=True), "resumes there or on another server"),
        (JobSetback(Setback.SERVER_RESTARTED, 4.0), "restarted and lost its work. Your job starts again"),
        (JobSetback(Setback.SERVER_GONE, 4.0, other_server=True), "Your job moves to another server"),
        (JobSetback(Setback.SERVER_GONE, 4.0), "has not come back yet. Your job resumes as soon as it does"),
    ],
)
def test_the_message_says_what_happened_to_the_server_and_to_the_job(update: JobSetback, says: str) -> None:
    rendering = render_setback(ENGLISH, RUNNING, update, ProgressState(step=1, steps=3, elapsed_s=3.0))

    shown = fields(rendering)
    assert says in shown["Status"]
    assert "ComfyUI server" in shown["Status"]
    assert shown["Elapsed"] == "4.0 s"  # the time since the job first started, told by the core
    assert "Progress" not in shown  # no bar frozen at a step that is not running
    assert "waiting for its server" in rendering.footer


def test_the_setback_message_differs_from_the_running_one_and_keeps_the_last_preview() -> None:
    progress = ProgressState(step=1, steps=3, elapsed_s=3.0, preview=OutgoingFile("preview.jpg", b"jpeg"))
    running = render_running(ENGLISH, RUNNING, progress)
    away = render_setback(ENGLISH, RUNNING, JobSetback(Setback.SERVER_AWAY, 3.5), progress)

    assert away.signature != running.signature
    assert away.files == running.files
    assert (
        render_setback(ENGLISH, RUNNING, JobSetback(Setback.SERVER_AWAY, 3.5), progress).signature
        == away.signature
    )


def test_a_job_its_server_had_not_begun_is_not_said_to_be_in_the_making() -> None:
    # Sent to the server and waiting there when it stopped answering: nothing was made, no time has run.
    rendering = render_setback(ENGLISH, RUNNING, JobSetback(Setback.SERVER_AWAY, 0.0), None)

    assert rendering.body.startswith("### Queued: your image")
    assert "stopped answering" in fields(rendering)["Status"]
    assert "Elapsed" not in fields(rendering)
