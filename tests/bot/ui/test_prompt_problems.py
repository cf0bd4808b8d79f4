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
from core.prompts.image import read_image_request
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


def german_problems(error: PromptError) -> dict[str, str]:
    assert all(problem.text is not None for problem in error.problems), "each problem has its words"
    return {problem.field: GERMAN.say(problem.text) for problem in error.problems if problem.text}


@pytest.mark.parametrize(
    ("document", "said"),
    [
        (
            b"{",
            "ist kein gültiges JSON (Zeile 1, Spalte 2: Expecting property name enclosed in double quotes)",
        ),
        (b"[1]", 'muss ein JSON-Objekt sein: {"name": Wert, ...}'),
        (b"\xff\x00", "ist kein UTF-8-Text"),
        (b" " * 70_000, "ist größer als 64 KB"),
    ],
)
def test_a_broken_document_is_described_in_german(document: bytes, said: str) -> None:
    assert german_problems(refused(parse_image_request, "a cat", document=document)) == {"document": said}


def test_a_prompt_that_only_points_at_a_missing_document_prompt_and_an_empty_one_are_german() -> None:
    pointing = refused(parse_image_request, "see attached", document=b'{"seed": 3}')
    empty = refused(parse_image_request, "", lora_weight=0.5)
    assert german_problems(pointing) == {
        "document prompt": "fehlt, und der eingegebene Prompt „see attached“ verweist nur darauf"
    }
    assert german_problems(empty) == {
        "lora_weight": "braucht eine LoRA, auf die es wirkt",
        "prompt": "ist leer; beschreibe, was gezeichnet werden soll",
    }


def test_lyrics_problems_are_german_typed_in_a_file_or_in_a_song_document() -> None:
    typed = refused(parse_song_request, lyrics_text="[Verse]\nok\n[Drop]\n[Breakdown 2]")
    document = json.dumps({"lyrics": "[Drop]\n" + "la " * 1500})
    in_document = refused(parse_song_request, lyrics_file=("song.json", document.encode()))
    pdf = refused(parse_song_request, lyrics_file=("song.pdf", b"%PDF"))
    known = "[intro] [verse] [pre-chorus] [chorus] [bridge] [outro] [inst]"
    assert german_problems(typed) == {
        "lyrics": f"unbekannte Abschnitte [Drop], [Breakdown 2]; verwende {known}"
    }
    assert german_problems(in_document) == {
        "lyrics file song.json lyrics": f"unbekannter Abschnitt [Drop]; verwende {known}; "
        "ist 4506 Zeichen lang; höchstens 4000"
    }
    assert german_problems(pdf) == {
        "lyrics file song.pdf": "muss eine .txt-Datei mit Liedtext oder ein .json-Lieddokument sein"
    }


def test_how_a_request_was_read_is_noted_in_german() -> None:
    request = read_image_request(
        "a fox --seed 3 --v 6 --tile",
        document=json.dumps({"prompt": "a cat", "seed": 11}).encode(),
        preferred={"aspect_ratio": "1:1"},
        aspect_ratio="16:9",
    )
    assert [GERMAN.say(note) for note in request.notes] == [
        "Verwendet: der eingegebene Prompt (a fox) statt prompt aus dem Dokument (a cat).",
        "Verwendet: --seed (3) statt seed aus dem Dokument (11).",
        "Ignoriert: --v 6, --tile (Midjourney-Einstellungen, die hier nichts bedeuten).",
    ]


def test_a_document_or_lyrics_file_is_named_in_german_in_the_list() -> None:
    image = refused(parse_image_request, "see attached", document=b'{"seed": "many"}')
    lyrics = refused(parse_song_request, lyrics_file=("song.json", b'{"tempo": "fast"}'))
    assert problems_text(GERMAN, image.problems).splitlines()[1:] == [
        "• Dokument seed: 'many' ist kein Seed; verwende eine ganze Zahl von 0 bis 18446744073709551615",
        "• Prompt des Dokuments: fehlt, und der eingegebene Prompt „see attached“ verweist nur darauf",
    ]
    assert problems_text(GERMAN, lyrics.problems) == (
        "Bitte korrigiere Liedtext-Datei song.json tempo: 'fast' ist kein Tempo; verwende 40 bis 240 bpm"
    )
    assert str(lyrics.problems[0]) == "lyrics file song.json tempo: 'fast' is not a tempo; use 40 to 240 bpm"
