"""A job whose prompt waits in its server's own queue says so, with its place there and its wait (en, de);
and that place, told late (after the server began the job, or while its server is away), never shows over
what the job's message shows since: the message of a running job never goes back to "queued"."""

from __future__ import annotations

import pytest

from bot.locales import Catalogue, Words
from bot.reporting.live import in_queue, live_rendering
from bot.reporting.tracking import JobTrack, QueuedState
from bot.ui.job_messages import ProgressState, render_queued
from core.jobs.updates import JobSetback, Setback
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.bot.ui.test_setback_messages import fields

CATALOGUE = Catalogue.shipped()
ON_SERVER = QueuedState(0, 40.0, on_server=True)


def _nowhere(job_id: int) -> int | None:
    raise AssertionError("a place told is shown, not looked up")


@pytest.mark.parametrize(
    ("locale", "place", "next_there", "ahead_there"),
    [
        (
            "en-US",
            "Place in queue",
            "sent to the server, you are next there",
            "sent to the server, 2 ahead of you there",
        ),
        (
            "de",
            "Platz in der Warteschlange",
            "an den Server übergeben, dort bist du als Nächstes dran",
            "an den Server übergeben, dort 2 vor dir",
        ),
    ],
)
def test_a_job_waiting_on_its_server_says_where_it_is_there(
    locale: str, place: str, next_there: str, ahead_there: str
) -> None:
    words, job = Words(CATALOGUE, locale), a_job(status=JobStatus.RUNNING)
    track = JobTrack(job, queued=ON_SERVER)

    shown = live_rendering(words, track, _nowhere)
    assert fields(shown)[place] == next_there
    assert len(fields(shown)) == 2, "its place and its wait"
    assert shown.footer == render_queued(words, job, 0, 40.0).footer, "the job is still queued, to the member"
    assert fields(render_queued(words, job, 2, 40.0, on_server=True))[place] == ahead_there
    assert not in_queue(track), "its worker's own edit (ordered after any place edit in flight)"


def test_a_server_place_told_after_the_job_began_never_shows_over_its_progress() -> None:
    words, job = Words(CATALOGUE, "en-US"), a_job(status=JobStatus.RUNNING)
    running = ProgressState(step=2, steps=8, elapsed_s=3.0, fraction=0.25)
    track = JobTrack(job, queued=ON_SERVER, progress=running)

    assert live_rendering(words, track, _nowhere).footer.endswith(" · running")
    track.setback = JobSetback(Setback.SERVER_AWAY, 4.0)
    assert live_rendering(words, track, _nowhere).footer.endswith(" · waiting for its server")
