"""A full disk in a member's words: a queued job says it waits for room, a finished one that its result waits
to be saved; in the server's language (the catalogue's en and de)."""

from __future__ import annotations

import pytest

from bot.locales import Catalogue, Words
from bot.ui.job_messages import ProgressState, render_queued, render_setback
from core.jobs.updates import JobSetback, Setback
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.bot.ui.test_setback_messages import fields

CATALOGUE = Catalogue.shipped()


@pytest.mark.parametrize(
    ("locale", "says"), [("en-US", "waiting: the bot's disk is full"), ("de", "Speicher des Bots ist voll")]
)
def test_a_queued_job_held_by_a_full_disk_says_so_with_its_place(locale: str, says: str) -> None:
    words = Words(CATALOGUE, locale)
    rendering = render_queued(a_job(status=JobStatus.QUEUED), 2, 30.0, words("status.disk_full"))

    shown = fields(rendering)
    assert says in shown["Status"]
    assert shown["Place in queue"] == "2 ahead of you"  # its place is kept, only the start waits
    assert "queued" in rendering.footer
    assert "Status" not in fields(render_queued(a_job(status=JobStatus.QUEUED), 2, 30.0))


@pytest.mark.parametrize(
    ("locale", "says", "footer"),
    [
        ("en-GB", "your result is made, but the bot's disk is full", "waiting to be saved"),
        ("de", "dein Ergebnis ist fertig, aber der Speicher des Bots ist voll", "wartet aufs Speichern"),
    ],
)
def test_a_result_waiting_for_room_says_it_is_made_and_not_lost(locale: str, says: str, footer: str) -> None:
    update = JobSetback(Setback.DISK_FULL, 12.0)
    rendering = render_setback(
        a_job(status=JobStatus.RUNNING), update, ProgressState(elapsed_s=11.0), Words(CATALOGUE, locale)
    )

    shown = fields(rendering)
    assert says in shown["Status"]
    assert "ComfyUI" not in shown["Status"]  # not the server's fault
    assert shown["Elapsed"] == "12 s"
    assert footer in rendering.footer
