"""Why a typed value was refused (an aspect ratio, a quality, a seed, a tempo...) reaches the member in their
language, wherever it was typed: an inline flag, an option, a prompt document, a preference."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.locales import Catalogue, Words
from bot.ui.prompt_problems import problems_text
from core.errors import UserFacingError
from core.jobs.preferences import PersonalPreferences
from core.prompts import PromptError, parse_image_request, parse_song_request
from core.prompts.video import parse_video_request

GERMAN = Words(Catalogue.shipped(), "de")
ENGLISH = Words(Catalogue.shipped(), "en")
COMMON = "1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 21:9"


def refused(parse: Any, *args: Any, **options: Any) -> PromptError:
    with pytest.raises(PromptError) as caught:
        parse(*args, **options)
    return caught.value


def test_a_mistyped_flags_reasons_are_german() -> None:
    error = refused(parse_image_request, "a cat --ar wide --q 9 --seed -3 --count 7")
    said = problems_text(GERMAN, error.problems).splitlines()
    assert said == [
        "Bitte korrigiere diese 4 Dinge:",
        f"• --ar wide: 'wide' ist kein Seitenverhältnis wie 16:9 (üblich: {COMMON})",
        "• --q 9: '9' ist keine Qualität; verwende draft, standard oder high (oder --q .5, 1, 2)",
        "• --seed -3: '-3' ist kein Seed; verwende eine ganze Zahl von 0 bis 18446744073709551615",
        "• --count 7: '7' ist keine Anzahl; wähle 1 bis 4",
    ]


def test_an_english_member_reads_the_cores_english() -> None:
    error = refused(parse_image_request, "a cat", aspect_ratio="10:1")
    assert problems_text(ENGLISH, error.problems) == (
        f"Please fix aspect_ratio: '10:1' is too stretched; at most 3:1 or 1:3 (common: {COMMON})"
    )
    assert problems_text(ENGLISH, error.problems) == f"Please fix {error.problems[0]}"


def test_a_documents_values_are_refused_in_german_through_pydantic() -> None:
    document = {"prompt": "a cat", "aspect_ratio": "0:1", "seed": "many"}
    error = refused(parse_image_request, "", document=json.dumps(document).encode())
    said = {problem.field: GERMAN.say(problem.text) for problem in error.problems if problem.text}
    assert said == {
        "document aspect_ratio": f"'0:1' hat eine Seite der Länge null (üblich: {COMMON})",
        "document seed": "'many' ist kein Seed; verwende eine ganze Zahl von 0 bis 18446744073709551615",
    }


def test_a_songs_tempo_duration_and_time_signature_are_refused_in_german() -> None:
    error = refused(
        parse_song_request, lyrics_text="[verse]\nla", tempo=300, duration=5, time_signature="7/8"
    )
    said = {problem.field: GERMAN.say(problem.text) for problem in error.problems if problem.text}
    assert said == {
        "tempo": "'300' ist kein Tempo; verwende 40 bis 240 bpm",
        "duration": "'5' ist keine Dauer; verwende 10 bis 240 Sekunden (oder m:ss)",
        "time_signature": "'7/8' ist keine Taktart; verwende 2/4, 3/4, 4/4, 6/8",
    }


def test_a_videos_seconds_and_shape_are_refused_in_german() -> None:
    error = refused(parse_video_request, "a wave", seconds_=30, aspect_ratio_="wide")
    said = {problem.field: GERMAN.say(problem.text) for problem in error.problems if problem.text}
    assert said == {
        "seconds": "Videos sind 1 bis 10 Sekunden lang, nicht 30",
        "aspect_ratio": "'wide' ist kein Seitenverhältnis; für Videos verwende 16:9, 9:16, 1:1, 4:3, 3:4",
    }


async def test_a_preference_that_cannot_be_kept_says_why_in_german() -> None:
    # Refused before anything is stored: the store, catalogue and capabilities are never reached.
    preferences = PersonalPreferences(store=None, catalogue=None, capabilities=None)  # type: ignore[arg-type]
    with pytest.raises(UserFacingError) as caught:
        await preferences.change(1, aspect_ratio="67:65")
    assert caught.value.text is not None
    assert GERMAN.say(caught.value.text) == (
        "Diese Voreinstellung kann ich nicht übernehmen: '67:65' ist zu fein abgestuft; verwende kleine "
        f"ganze Zahlen wie 16:9 (üblich: {COMMON})."
    )


def test_the_parameters_own_checks_are_refused_in_german() -> None:
    error = refused(parse_image_request, "a cat --lora ink --lora ink", style=["x" * 41], model=" ")
    said = {problem.field: GERMAN.say(problem.text) for problem in error.problems if problem.text}
    assert said == {
        "--lora": "jede LoRA darf nur einmal angegeben werden",
        "style": "jedes Stil-Tag muss 1 bis 40 druckbare Zeichen lang sein",
        "model": "muss ein Dateiname aus 1 bis 200 druckbaren Zeichen sein",
    }
