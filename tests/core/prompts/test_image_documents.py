"""A JSON prompt document can say everything the typed options can; a typed stand-in never wins over it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.prompts import PromptError
from core.prompts.image import read_image_request
from core.prompts.placeholders import is_placeholder

FULL_DOCUMENT = {
    "prompt": "a lighthouse at dusk",
    "negative_prompt": "text",
    "aspect_ratio": "16:9",
    "quality": "high",
    "style_tags": ["ink"],
    "seed": 7,
    "count": 2,
    "workflow": "sdxl-fast",
}
STAND_INS = [
    "see attached document",
    "See attached document.",
    "see attachment",
    "prompt in the attached json",
    "json below",
    "-",
    "...",
    "",
]


@pytest.mark.parametrize("typed", STAND_INS)
def test_the_document_prompt_wins_over_a_typed_stand_in(typed: str) -> None:
    request = read_image_request(typed, document=json.dumps(FULL_DOCUMENT).encode())

    assert request.params.prompt == "a lighthouse at dusk"
    assert request.notes == ()


def test_a_document_sets_everything_the_options_can() -> None:
    request = read_image_request("see attached document", document=json.dumps(FULL_DOCUMENT).encode())

    params = request.params
    assert (params.negative_prompt, params.aspect_ratio, params.quality) == ("text", "16:9", "high")
    assert (params.style_tags, params.seed, params.count) == (["ink"], 7, 2)
    assert request.workflow == "sdxl-fast"


def test_typed_values_override_the_document_and_each_override_is_reported() -> None:
    document = json.dumps(FULL_DOCUMENT).encode()

    request = read_image_request("a red fox --seed 9", count=1, workflow="other", document=document)

    assert (request.params.prompt, request.params.seed, request.params.count) == ("a red fox", 9, 1)
    assert request.workflow == "other"
    assert tuple(map(str, request.notes)) == (
        "Used the typed prompt (a red fox) instead of the document's prompt (a lighthouse at dusk).",
        "Used --seed (9) instead of the document's seed (7).",
        "Used count (1) instead of the document's count (2).",
        "Used workflow (other) instead of the document's workflow (sdxl-fast).",
    )


def test_the_same_value_typed_and_in_the_document_is_no_conflict() -> None:
    request = read_image_request(
        "a lighthouse at dusk --ar 16:9", document=json.dumps(FULL_DOCUMENT).encode()
    )

    assert request.notes == ()


def test_a_stand_in_with_a_document_that_has_no_prompt_is_refused_not_drawn() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("see attached document", document=b'{"seed": 3}')

    assert caught.value.user_message == (
        "Please fix document prompt: is missing, and the typed prompt “see attached document” "
        "only points at it"
    )


def test_a_document_without_a_prompt_completes_a_typed_one() -> None:
    request = read_image_request("a red fox", document=b'{"seed": "12", "count": 3}')

    assert (request.params.prompt, request.params.seed, request.params.count) == ("a red fox", 12, 3)


def test_bad_document_seed_count_and_workflow_are_reported_by_name() -> None:
    document = b'{"prompt": "a fox", "seed": -1, "count": 9, "workflow": ""}'

    with pytest.raises(PromptError) as caught:
        read_image_request(None, document=document)

    assert [problem.field for problem in caught.value.problems] == [
        "document seed",
        "document count",
        "document workflow",
    ]


def test_midjourney_flags_are_accepted_with_a_note() -> None:
    request = read_image_request("a fox --v 6 --stylize 250 --chaos 20 --tile --ar 2:3")

    assert (request.params.prompt, request.params.aspect_ratio) == ("a fox", "2:3")
    assert tuple(map(str, request.notes)) == (
        "Ignored --v 6, --stylize 250, --chaos 20, --tile: Midjourney settings with no meaning here.",
    )


WORDS = st.from_regex(r"[a-z]{3,10}( [a-z]{3,10}){0,5}", fullmatch=True)


@given(document_prompt=WORDS, typed=st.sampled_from(STAND_INS))
def test_any_document_prompt_beats_any_stand_in(document_prompt: str, typed: str) -> None:
    document = json.dumps({"prompt": document_prompt}).encode()

    assert read_image_request(typed, document=document).params.prompt == document_prompt


@given(typed=WORDS, document_prompt=WORDS)
def test_a_real_typed_prompt_wins_and_a_different_document_prompt_is_reported(
    typed: str, document_prompt: str
) -> None:
    if is_placeholder(typed):
        return  # drawn from the pointer words themselves: covered above
    request = read_image_request(typed, document=json.dumps({"prompt": document_prompt}).encode())

    assert request.params.prompt == typed
    assert bool(request.notes) == (typed != document_prompt)


@pytest.mark.parametrize("typed", ["a fox", "a json parser drawn as a robot", "see the sea", "7"])
def test_real_prompts_are_not_stand_ins(typed: str) -> None:
    assert not is_placeholder(typed)


def test_an_unknown_field_is_told_with_the_fields_there_are() -> None:
    document = json.dumps({"prompt": "a cat", "negative": "blur"}).encode()

    with pytest.raises(PromptError) as caught:
        read_image_request("", document=document)

    [problem] = caught.value.problems
    assert problem.field == "document negative"
    assert problem.message == (
        "is not a field I know (known: prompt, negative_prompt, aspect_ratio, quality, style_tags, seed, "
        "count, workflow, model, loras)"
    )


def test_flags_in_the_documents_prompt_are_the_documents_values() -> None:
    document = json.dumps({"prompt": "a cat --ar 16:9 --no text --v 6", "seed": 3}).encode()

    request = read_image_request("--seed 5 --v 6", document=document)

    assert (request.params.prompt, request.params.aspect_ratio) == ("a cat", "16:9")
    assert (request.params.negative_prompt, request.params.seed) == ("text", 5)
    assert [str(note) for note in request.notes] == [
        "Ignored --v 6: Midjourney settings with no meaning here.",
        "Used --seed (5) instead of the document's seed (3).",
    ]


def test_a_bad_flag_in_the_documents_prompt_is_named_as_the_documents() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("", document=json.dumps({"prompt": "a cat --ar wide"}).encode())

    assert [problem.field for problem in caught.value.problems] == ["document --ar wide"]
