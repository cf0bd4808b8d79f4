"""A failed job's message names the ComfyUI server as its other messages do ("The ComfyUI server stopped
answering..."), never an "image server" or "image backend": a song or a video is made there too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.locales import Catalogue, Words
from comfy import errors
from core.jobs import failure_texts
from core.jobs.failure_texts import failure_text
from core.kinds.registry import default_kinds

LOCALES = Path(__file__).parents[3] / "bot" / "locales"
_WRONG = ("image backend", "image server", "the backend", "bildserver")


def _every_error() -> list[type[errors.ComfyError]]:
    found, todo = [], [errors.ComfyError]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo += kind.__subclasses__()
    return [kind for kind in found if kind.__module__ == errors.__name__]  # what the client itself raises


@pytest.mark.parametrize("kind", _every_error(), ids=lambda kind: kind.__name__)
def test_no_failure_calls_the_comfyui_server_an_image_server(kind: type[errors.ComfyError]) -> None:
    # A 413 says its own sentence ("That file is too large for ..."): the one case with a status.
    error = errors.UploadRejected("detail", status=413) if kind is errors.UploadRejected else kind("detail")
    said = failure_text(error)
    for words in (Words(Catalogue.shipped()), Words(Catalogue.shipped(), "de")):
        assert not any(wrong in words.say(said).lower() for wrong in _WRONG), words.say(said)


def test_a_song_lost_to_a_restart_says_the_comfyui_server_restarted() -> None:
    said = Words(Catalogue.shipped()).say(failure_text(errors.PromptLost("gone")))
    assert said == "The ComfyUI server restarted and lost this job."


@pytest.mark.parametrize("locale", ["en", "de"])
def test_the_catalogues_failures_name_the_comfyui_server(locale: str) -> None:
    texts = json.loads((LOCALES / f"{locale}.json").read_text(encoding="utf-8"))
    failures = {
        key: text for section in texts.values() if isinstance(section, dict) for key, text in section.items()
    }
    wrong = {
        key: text
        for key, text in failures.items()
        if key.startswith("failures.") and any(w in text.lower() for w in _WRONG)
    }
    assert not wrong
    assert failure_texts.STOPPED.english.startswith("The job was stopped on the ComfyUI server")


@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_job_out_of_time_is_told_what_its_kind_may_lower_and_never_a_shorter_image(locale: str) -> None:
    words = Words(Catalogue.shipped(), locale)
    said = {spec.kind: words.say(failure_texts.timed_out(10, spec.lighter)) for spec in default_kinds()}

    assert "10 min" in said["image"]
    assert not any(nonsense in said["image"].lower() for nonsense in ("shorter image", "kürzeres bild"))
    assert said["edit"] == words.say(failure_texts.timed_out(10, None))  # nothing an edit may lower
    assert len(set(said.values())) == len(said)  # each kind its own advice
