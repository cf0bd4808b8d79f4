"""A result says what was made (its real shape and size), and sizes and counts read as people write them."""

from __future__ import annotations

import pytest

from bot.locales import Catalogue, Words, english
from bot.ui.job_info import render_info
from bot.ui.job_messages import parameter_fields, render_done
from bot.ui.made import file_size, ratio_name
from bot.ui.rendering import Rendering
from core.kinds.song import SONG
from tests.bot.history_factories import a_job, an_artifact

ENGLISH = english()


def fields_of(embed: object) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.to_dict()["fields"]}  # type: ignore[attr-defined]


def listed(rendering: Rendering) -> dict[str, str]:
    """The "**Name:** value" lines of a job message's text."""
    lines = [line[2:].partition(":** ") for line in rendering.body.splitlines() if line.startswith("**")]
    return {name: value for name, _, value in lines}


def test_a_square_image_made_for_a_16_9_request_says_it_is_square() -> None:
    square = an_artifact(width=512, height=512)
    rendering = render_done(ENGLISH, a_job(), [], (), duration_s=4.5, made=[square])
    fields = listed(rendering)
    assert fields["Aspect ratio"] == "1:1 (16:9 was asked; this workflow makes one size only)"
    assert fields["Size"] == "512×512"


def test_an_image_of_the_asked_shape_shows_the_shape_and_its_size() -> None:
    rendering = render_done(
        ENGLISH, a_job(), [], (), duration_s=4.5, made=[an_artifact(width=1024, height=576)]
    )
    fields = listed(rendering)
    assert (fields["Aspect ratio"], fields["Size"]) == ("16:9", "1024×576")


def test_the_info_card_shows_what_was_made_and_readable_file_sizes() -> None:
    embed = render_info(ENGLISH, a_job(), (an_artifact(size_bytes=300, width=512, height=512),))
    fields = fields_of(embed)
    assert fields["Aspect ratio"].startswith("1:1")
    assert "300 bytes" in fields["Files"]
    assert "0 KB" not in fields["Files"]


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (812, "812 bytes"),
        (2048, "2.0 KB"),
        (150_000, "146 KB"),
        (12 << 20, "12 MB"),
    ],
)
def test_file_sizes_never_read_zero_kb(size: int, text: str) -> None:
    assert file_size(ENGLISH, size) == text


@pytest.mark.parametrize(
    ("width", "height", "name"),
    [(1024, 576, "16:9"), (1344, 576, "21:9"), (768, 512, "3:2"), (512, 512, "1:1"), (640, 512, "5:4")],
)
def test_ratio_names(width: int, height: int, name: str) -> None:
    assert ratio_name(width, height) == name


def test_a_small_image_rounded_to_size_steps_still_has_the_asked_shape() -> None:
    rendering = render_done(
        ENGLISH, a_job(), [], (), duration_s=1.0, made=[an_artifact(width=704, height=384)]
    )
    assert listed(rendering)["Aspect ratio"] == "16:9"


def test_a_pans_direction_is_shown_in_the_readers_words_and_a_typed_quality_as_typed() -> None:
    job = a_job(params={"prompt": "a fox", "aspect_ratio": "3:2", "pan": "left", "quality": "high"})
    german = Words(Catalogue.shipped(), "de")

    fields = dict(parameter_fields(german, job))

    assert fields["Erweitern"] == "nach links"
    assert fields["Qualität"] == "high"
    assert dict(parameter_fields(english(), job))["Pan"] == "left"


def test_a_songs_tempo_and_length_are_shown_with_their_units() -> None:
    job = a_job(
        kind=SONG, params={"lyrics": "[verse]\nla", "tempo": 120, "duration": 90.0, "key": "F# minor"}
    )
    german = Words(Catalogue.shipped(), "de")

    fields = listed(render_done(ENGLISH, job, [], (), duration_s=4.5))

    assert (fields["Tempo"], fields["Duration"], fields["Key"]) == ("120 bpm", "1 min 30 s", "F# minor")
    assert dict(parameter_fields(german, job))["Dauer"] == "1 min 30 s"
    assert (
        dict(parameter_fields(english(), a_job(kind=SONG, params={"duration": 45.0})))["Duration"] == "45 s"
    )


def test_a_songs_language_is_shown_by_name_whether_asked_for_or_read_from_its_lyrics() -> None:
    read = a_job(kind=SONG, params={"lyrics": "[verse]\n夢の中で"}, seed_document={"language": "ja"})
    asked = a_job(
        kind=SONG, params={"lyrics": "[verse]\nla", "language": "pt"}, seed_document={"language": "pt"}
    )
    german = Words(Catalogue.shipped(), "de")

    assert listed(render_done(ENGLISH, read, [], (), duration_s=4.5))["Language"] == "Japanese"
    assert dict(parameter_fields(german, read))["Sprache"] == "Japanisch"
    assert dict(parameter_fields(ENGLISH, asked))["Language"] == "Portuguese"
    # A workflow that took no language (ACE-Step 1.0) shows none.
    assert "Language" not in dict(parameter_fields(ENGLISH, a_job(kind=SONG, params={"lyrics": "la"})))


def test_a_language_asked_for_a_workflow_that_took_none_is_not_shown() -> None:
    """ACE-Step 1.0's encoder has no language input: the one asked was not sung in, so it is not listed."""
    ignored = a_job(
        kind=SONG, params={"lyrics": "[verse]\nla", "language": "ja"}, seed_document={"language": None}
    )

    assert "Language" not in dict(parameter_fields(ENGLISH, ignored))
    assert "Language" not in listed(render_done(ENGLISH, ignored, [], (), duration_s=4.5))
