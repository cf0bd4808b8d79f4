"""A failed job's message says how to try again the way the job was asked for: a job made from a result
(Vary, Zoom, an edit by reply) is not retyped with /imagine."""

from __future__ import annotations

from bot.locales import Catalogue, Words, english
from bot.ui.job_messages import render_failed
from core.jobs.derived import MadeFrom, ResultAction
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.bot.ui.test_setback_messages import fields

ZOOMED = a_job(
    status=JobStatus.FAILED,
    seed_document={"made_from": MadeFrom(12, ResultAction.VARY_STRONG).document()},
)


def test_a_job_made_from_a_result_is_tried_again_on_that_result() -> None:
    what_now = fields(render_failed(english(), ZOOMED, "The ComfyUI server ran into a problem."))["What now"]

    assert what_now.startswith("Try Vary (strong) again on the result it was made from.")
    assert "/imagine" not in what_now


def test_and_so_in_german() -> None:
    german = Words(Catalogue.shipped(), "de")
    what_now = fields(render_failed(german, ZOOMED, "x"))["Was jetzt"]

    assert "/bild" not in what_now
    assert "noch einmal" in what_now


def test_a_job_asked_with_a_command_is_tried_again_with_it() -> None:
    asked = a_job(status=JobStatus.FAILED)
    assert fields(render_failed(english(), asked, "x"))["What now"].startswith("Try again with /imagine.")
