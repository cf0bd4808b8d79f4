"""The core's sentences are the catalogue's: each key a core.texts.Text names is in the catalogue (so in every
shipped language), and the catalogue's English says what the core's English says, placeholder for value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.locales import REFERENCE, Catalogue, Words
from core.errors import NotAllowed
from core.kinds import InputNotTaken
from core.media.fit import FittedVideo
from core.texts import Text
from tests.bot.locales.core_texts import WrittenText, written_texts

ENGLISH = Catalogue.shipped().languages[REFERENCE]["texts"]
WRITTEN = list(written_texts())


def test_the_core_says_something_through_the_catalogue() -> None:
    assert len(WRITTEN) >= 15  # the scan reads the core's code: an empty scan would prove nothing


@pytest.mark.parametrize("written", WRITTEN, ids=lambda w: w.where)
def test_each_core_sentence_is_in_the_catalogue_as_the_core_writes_it(written: WrittenText) -> None:
    keys = written.keys_in(ENGLISH)
    assert keys, f"{written.where}: no catalogue key matches {written.key_pattern}"
    if written.template is not None:
        assert [ENGLISH[key] for key in keys] == [written.template] * len(keys), written.where
    else:  # an English built from a table (a job's status): at least the key and its fields are there
        assert len(keys) > 1, f"{written.where}: write the English as an f-string of named values"


def test_a_core_refusal_reaches_a_german_member_in_german() -> None:
    words = Words(Catalogue.shipped(), "de")
    refusal = NotAllowed(Text("refusal.blocked_word", "… (“gore”) …", {"word": "gore"}))
    assert refusal.text is not None
    assert words.say(refusal.text) == ENGLISH_TO_GERMAN_EXAMPLE


def test_a_key_the_catalogue_lacks_is_said_in_the_cores_english() -> None:
    words = Words(Catalogue.shipped(), "de")
    assert words.say(Text("kinds.lullaby.noun", "lullaby")) == "lullaby"


ENGLISH_TO_GERMAN_EXAMPLE = (
    "Deine Anfrage enthält ein Wort, das dieser Server sperrt („gore“). Bitte formuliere sie um."
)


def test_a_re_encoded_videos_note_reaches_a_german_member_in_german() -> None:
    fitted = FittedVideo(Path("fitted.mp4"), 9_000_000, 640, 360, 500_000, source_height=720)
    words = Words(Catalogue.shipped(), "de")
    assert words.say(fitted.note(10 * 2**20)) == (
        "Video mit niedrigerer Bitrate und Auflösung (720p → 360p) neu kodiert, "
        "damit es in Discords Grenze von 10 MB passt"
    )


def test_a_workflow_that_takes_other_files_says_which_in_german() -> None:
    refused = InputNotTaken("song", {"image", "video", "mask"}, {"audio"})
    assert refused.user_message == (
        "The workflow 'song' doesn't take an image, a mask image and a video. It takes an audio file."
    )
    assert refused.text is not None
    assert Words(Catalogue.shipped(), "de").say(refused.text) == (
        "Der Workflow „song“ kann ein Bild, ein Maskenbild und ein Video nicht verwenden. "
        "Er nimmt eine Audiodatei."
    )


def test_an_invalid_settings_reason_reaches_a_german_member_in_german() -> None:
    reason = Text("invalid.at_most", "must be at most 1000", {"high": 1000})
    refusal = Text("settings.not_valid", "…", {"fields": "max_queued_per_user", "reason": reason})
    assert Words(Catalogue.shipped(), "de").say(refusal) == (
        "Diese Einstellung ist ungültig (max_queued_per_user): darf höchstens 1000 sein."
    )
