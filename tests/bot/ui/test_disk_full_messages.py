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
    ("locale", "says", "place", "queued"),
    [
        ("en-US", "waiting: the bot's disk is full", ("Place in queue", "2 ahead of you"), "queued"),
        ("de", "Speicher des Bots ist voll", ("Platz in der Warteschlange", "2 vor dir"), "wartet"),
    ],
)
def test_a_queued_job_held_by_a_full_disk_says_so_with_its_place(
    locale: str, says: str, place: tuple[str, str], queued: str
) -> None:
    words = Words(CATALOGUE, locale)
    rendering = render_queued(words, a_job(status=JobStatus.QUEUED), 2, 30.0, words("status.disk_full"))

    shown = fields(rendering)
    assert says in shown["Status"]
    assert shown[place[0]] == place[1]  # its place is kept, only the start waits
    assert rendering.footer.endswith(f" · {queued}")
    assert "Status" not in fields(render_queued(words, a_job(status=JobStatus.QUEUED), 2, 30.0))


@pytest.mark.parametrize(
    ("locale", "says", "footer", "elapsed"),
    [
        ("en-GB", "your result is made, but the bot's disk is full", "waiting to be saved", "Elapsed"),
        (
            "de",
            "dein Ergebnis ist fertig, aber der Speicher des Bots ist voll",
            "wartet aufs Speichern",
            "Vergangen",
        ),
    ],
)
def test_a_result_waiting_for_room_says_it_is_made_and_not_lost(
    locale: str, says: str, footer: str, elapsed: str
) -> None:
    update = JobSetback(Setback.DISK_FULL, 12.0)
    rendering = render_setback(
        Words(CATALOGUE, locale), a_job(status=JobStatus.RUNNING), update, ProgressState(elapsed_s=11.0)
    )

    shown = fields(rendering)
    assert says in shown["Status"]
    assert "ComfyUI" not in shown["Status"]  # not the server's fault
    assert shown[elapsed] == "12 s"
    assert footer in rendering.footer
