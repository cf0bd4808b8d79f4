"""A failure told in a server's log channel: the job, its kind, its maker (a mention), the plain reason, and
the detail scrubbed and cut exactly as a manager's /show gives it, all within one Discord message (2000
characters, https://discord.com/developers/docs/resources/message#create-message-jsonform-params)."""

from __future__ import annotations

from bot.locales import Catalogue, Words
from bot.ui.failure_detail import detail_block, failure_detail_message
from bot.ui.failure_notice import MAX_REASON_CHARS, failure_notice_text
from core.jobs.execution_texts import SERVER_FAILED
from core.jobs.failure_events import ServerFailure
from core.jobs.failure_notices import FailureNotice
from core.kinds import EDIT, IMAGE, SONG, UPSCALE, VIDEO
from core.texts import Text
from db.enums import JobStatus
from tests.bot.history_factories import a_job

ENGLISH = Words(Catalogue.shipped(), "en")
GERMAN = Words(Catalogue.shipped(), "de")
DISCORD_LIMIT = 2000
DETAIL = "node 3 (KSampler) raised RuntimeError: KSampler: simulated failure"


def _failure(reason: Text | str = SERVER_FAILED, detail: str = DETAIL, **job: object) -> ServerFailure:
    return ServerFailure(a_job(42, user_id=555, status=JobStatus.FAILED, **job), reason, detail)


def test_the_first_failure_names_the_job_its_kind_its_maker_and_the_plain_reason() -> None:
    text = failure_notice_text(ENGLISH, FailureNotice(_failure()))

    first, told, block = text.split("\n", 2)
    assert first == (
        "⚠️ Job #42 (image) of <@555> failed on the server: Something went wrong on the ComfyUI server while "
        "making this; the bot's operator has been told."
    )
    assert told == "What the server said:"
    assert block == detail_block(DETAIL)
    assert DETAIL in block


def test_a_count_says_how_many_more_failed_the_same_way_and_names_the_last() -> None:
    one = failure_notice_text(ENGLISH, FailureNotice(_failure(), more=1))
    many = failure_notice_text(GERMAN, FailureNotice(_failure(kind=SONG), more=4))

    assert one.startswith("⚠️ …and 1 more job failed the same way since: Something went wrong")
    assert "The last was job #42 (image) of <@555>." in one
    assert many.startswith("⚠️ …und 4 weitere Aufträge sind seither ebenso fehlgeschlagen: ")
    assert "Der letzte war Auftrag #42 (Lied) von <@555>." in many
    assert "Was der Server meldete:" in many


def test_the_detail_is_scrubbed_and_cut_exactly_as_show_does_it() -> None:
    secret = "hunter2-operator-secret"
    detail = f"cannot reach http://admin:{secret}@gpu.example:8188/prompt " + "x" * 5000
    text = failure_notice_text(ENGLISH, FailureNotice(_failure(detail=detail)), secrets=[secret])
    shown = failure_detail_message(ENGLISH, 42, detail, secrets=[secret])

    assert secret not in text
    assert text.endswith(detail_block(detail, secrets=[secret]))
    assert shown.endswith(detail_block(detail, secrets=[secret]))


def test_a_long_reason_and_the_longest_detail_fit_one_message() -> None:
    reason = Text("failures.said", "The server said: " + "y" * 3000)
    text = failure_notice_text(GERMAN, FailureNotice(_failure(reason, "z" * 9000), more=12))

    assert len(text) <= DISCORD_LIMIT
    assert "y" * (MAX_REASON_CHARS - 30) in text
    assert "y" * MAX_REASON_CHARS not in text


def test_a_failure_without_detail_is_told_without_a_block() -> None:
    text = failure_notice_text(
        ENGLISH, FailureNotice(_failure("The workflow finished but produced no files.", " "))
    )

    assert (
        text
        == "⚠️ Job #42 (image) of <@555> failed on the server: The workflow finished but produced no files."
    )


def test_the_longest_notice_of_every_kind_in_every_language_fits_one_message() -> None:
    """The largest numbers a notice can name (a job id, a snowflake, a count), each kind's noun and each
    shipped language's sentence, with the longest reason and detail: still one message."""
    reason = Text("failures.said", "The server said: " + "y" * 3000)
    catalogue = Catalogue.shipped()
    longest = 0
    for locale in catalogue.languages:
        words = Words(catalogue, locale)
        for kind, params in (
            (IMAGE, {"prompt": "p"}),
            (UPSCALE, {}),
            (SONG, {}),
            (EDIT, {"instruction": "i"}),
            (VIDEO, {"prompt": "p"}),
        ):
            job = a_job(2**53, user_id=2**64 - 1, status=JobStatus.FAILED, kind=kind, params=params)
            failure = ServerFailure(job, reason, "z" * 9000)
            for more in (0, 1, 10**6):
                longest = max(longest, len(failure_notice_text(words, FailureNotice(failure, more=more))))

    assert longest <= DISCORD_LIMIT
