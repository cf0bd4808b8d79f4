"""A user's preferences fill only what the request leaves out, and silently (no note about them)."""

from __future__ import annotations

import json

import pytest

from core.errors import UserFacingError
from core.jobs.preferences import Preferences, image_defaults, style_tags
from core.prompts.errors import PromptError
from core.prompts.image import read_image_request

DOCUMENT = {"prompt": "a cat", "aspect_ratio": "1:1", "quality": "high", "style_tags": ["pop"]}
PREFERRED = image_defaults(Preferences(aspect_ratio="16:9", quality="draft", style_tags=("ink", "noir")))


def test_preferences_fill_a_bare_prompt() -> None:
    request = read_image_request("a cat", preferred=PREFERRED)
    assert (request.params.aspect_ratio, request.params.quality, request.params.style_tags) == (
        "16:9",
        "draft",
        ["ink", "noir"],
    )
    assert request.notes == ()


@pytest.mark.parametrize(
    ("prompt", "options", "document"),
    [
        ("a cat", {"aspect_ratio": "1:1", "quality": "high", "style": "pop"}, None),
        ("a cat --ar 1:1 --q 2 --style pop", {}, None),
        (
            "see attached",
            {},
            {"prompt": "a cat", "aspect_ratio": "1:1", "quality": "high", "style_tags": ["pop"]},
        ),
    ],
    ids=["options", "flags", "document"],
)
def test_anything_the_request_says_wins_without_a_note(
    prompt: str, options: dict[str, str], document: dict[str, object] | None
) -> None:
    content = json.dumps(document).encode() if document is not None else None
    request = read_image_request(prompt, document=content, preferred=PREFERRED, **options)
    assert (request.params.aspect_ratio, request.params.quality, request.params.style_tags) == (
        "1:1",
        "high",
        ["pop"],
    )
    assert request.notes == ()


def test_no_preferences_change_nothing() -> None:
    assert image_defaults(Preferences()) == {}
    assert read_image_request("a cat", preferred={}) == read_image_request("a cat")


def test_a_preferred_value_the_parameters_refuse_names_its_origin() -> None:
    with pytest.raises(PromptError, match="your preferred aspect_ratio"):
        read_image_request("a cat", preferred={"aspect_ratio": "99:1"})


def test_style_tags_are_tidied_and_capped() -> None:
    assert style_tags(" ink ,  noir  wash,, ") == ["ink", "noir wash"]
    with pytest.raises(UserFacingError, match="at most 400"):
        style_tags("x" * 401)
