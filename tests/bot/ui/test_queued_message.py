"""The queued message's estimate says what it is: when the result should be ready (its own run included),
not the wait before it starts, in whole seconds."""

from __future__ import annotations

from bot.locales import Catalogue, Words, english
from bot.reporting.live import queued_rendering
from bot.reporting.tracking import QueuedState
from bot.ui.job_messages import render_queued
from core.jobs.updates import Hold
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.bot.ui.test_setback_messages import fields

QUEUED = a_job(status=JobStatus.QUEUED)


def test_next_in_line_is_told_when_its_result_is_ready_not_a_wait() -> None:
    shown = fields(render_queued(english(), QUEUED, 0, 41.3))

    assert shown["Place in queue"] == "you are next"
    assert shown["Ready in about"] == "41 s"
    assert "Estimated wait" not in shown  # the job starts now: 41 s is its own run


def test_a_tiny_estimate_is_never_told_as_a_fraction_of_a_second() -> None:
    assert fields(render_queued(english(), QUEUED, 0, 0.3))["Ready in about"] == "1 s"


def test_the_estimate_reads_the_same_in_german() -> None:
    shown = fields(render_queued(Words(Catalogue.shipped(), "de"), QUEUED, 2, 125.4))

    assert shown["Fertig in etwa"] == "2 min 05 s"


def test_a_job_no_server_can_start_says_why_in_both_languages() -> None:
    queued = QueuedState(0, None, Hold.SERVERS_AWAY)

    english_status = fields(queued_rendering(english(), QUEUED, queued))["Status"]
    german_status = fields(queued_rendering(Words(Catalogue.shipped(), "de"), QUEUED, queued))["Status"]

    assert "no ComfyUI server is answering" in english_status
    assert "kein ComfyUI-Server" in german_status


def test_a_job_held_back_promises_no_time_it_cannot_keep() -> None:
    # The queue starts nothing while the disk is full: "ready in about 41 s" would be a promise nobody keeps.
    shown = fields(queued_rendering(english(), QUEUED, QueuedState(0, 41.3, Hold.DISK_FULL)))

    assert "disk is full" in shown["Status"]
    assert shown["Place in queue"] == "you are next"
    assert "Ready in about" not in shown
