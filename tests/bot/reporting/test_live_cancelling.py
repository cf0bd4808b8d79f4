"""A job whose cancel was asked shows only that, whatever its server says of it afterwards (a step sent before
the interrupt reached it, its server away or back): never a bar, a wait or a setback line again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.locales import Catalogue, Words
from bot.reporting.live import in_queue, live_rendering
from bot.reporting.tracking import JobTrack, QueuedState
from bot.ui.job_messages import OutgoingFile, ProgressState
from core.jobs.updates import JobCancelling, JobSetback, Setback
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.bot.ui.test_setback_messages import fields

CATALOGUE = Catalogue.shipped()


def _nowhere(job_id: int) -> int | None:
    raise AssertionError("a cancelling job's place is never looked up")


@pytest.mark.parametrize(
    ("locale", "title", "footer"),
    [
        ("en-US", "### Cancelling your image…", "cancelling"),
        ("de", "### Bild wird abgebrochen…", "wird abgebrochen"),
    ],
)
@pytest.mark.parametrize(
    "heard_since",
    [
        {"progress": ProgressState(5, 8, 4.0, OutgoingFile("preview.jpg", b"jpeg"), fraction=0.6)},
        {"setback": JobSetback(Setback.SERVER_AWAY, 4.0)},
        {"queued": QueuedState(0, 30.0, on_server=True)},
    ],
    ids=["progress", "server away", "queued on its server"],
)
def test_a_cancelling_job_shows_nothing_going_on(
    locale: str, title: str, footer: str, heard_since: dict[str, Any]
) -> None:
    words, job = Words(CATALOGUE, locale), a_job(status=JobStatus.RUNNING)
    track = JobTrack(job, cancelling=JobCancelling(by_user_id=job.user_id), **heard_since)

    shown = live_rendering(words, track, _nowhere)

    assert shown.body.splitlines()[0] == title
    assert shown.footer.endswith(f" · {footer}")
    assert fields(shown) == {}, "no progress, no place, no wait, no status"
    assert not shown.files, "no preview"
    assert not shown.final, "its end is told by the cancel itself"
    assert not in_queue(JobTrack(a_job(), cancelling=JobCancelling(None))), "no place edits for it"
