"""What the completion ping says, and when it says nothing."""

from __future__ import annotations

from bot.exts.notify import notify_text
from bot.locales import english
from bot.reporting.ping import ping_text
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed
from core.kinds import SONG
from tests.bot.history_factories import a_job

ENGLISH = english()


def test_the_ping_names_the_outcome() -> None:
    job = a_job(12, user_id=3)
    assert ping_text(ENGLISH, job, JobCompleted(())) == "<@3> your image is ready (job #12)."
    assert ping_text(ENGLISH, a_job(13, kind=SONG), JobFailed("boom")) == (
        "<@3> your song (job #13) could not be made; its message says why."
    )
    assert ping_text(ENGLISH, job, JobCancelled(by_user_id=9)) == (
        "<@3> your image (job #12) was cancelled by <@9>."
    )


def test_nobody_is_pinged_for_a_job_they_cancelled_themselves() -> None:
    assert ping_text(ENGLISH, a_job(user_id=3), JobCancelled(by_user_id=3)) is None
    assert ping_text(ENGLISH, a_job(user_id=3), JobCancelled(by_user_id=None)) is None


def test_notify_says_what_applies() -> None:
    assert notify_text(True, False).startswith("I ping you when your job ends")
    assert notify_text(False, True).startswith("I don't ping you")
    assert (
        notify_text(None, True) == "I follow the server's choice: this server pings you when your job ends."
    )
    assert notify_text(None, None) == "I ping you when your job ends as each server chooses."
