"""Pydantic's common errors become catalogue texts that read after a field's name; any other keeps
pydantic's own words (without its "Value error, " prefix) rather than saying nothing."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from bot.locales import Catalogue, Words
from core.texts import Text
from core.validation_reasons import reason_for


def _no_x(value: str) -> str:
    if "x" in value:
        raise ValueError("contains an x")
    return value


class Form(BaseModel):
    limit: Annotated[int, Field(ge=1, le=10)] = 1
    rate: Annotated[float, Field(gt=0)] = 1.0
    factor: Literal[2, 4] = 2
    quality: Literal["draft", "standard", "high"] = "draft"
    tricky: Literal["a, b or c", "it's"] = "it's"
    only: Literal["one"] = "one"
    on: bool = True
    words: Annotated[list[str], Field(max_length=2)] = []
    name: Annotated[str, Field(min_length=3, max_length=5), AfterValidator(_no_x)] = "abc"


def reason(**data: object) -> str | Text:
    with pytest.raises(ValidationError) as refused:
        Form.model_validate(data)
    return reason_for(refused.value.errors()[0])


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"limit": 11}, Text("invalid.at_most", "must be at most 10", {"high": 10})),
        ({"limit": 0}, Text("invalid.at_least", "must be at least 1", {"low": 1})),
        ({"rate": 0}, Text("invalid.above", "must be more than 0.0", {"above": 0.0})),
        ({"limit": "many"}, Text("invalid.whole_number", "must be a whole number")),
        ({"limit": 1.5}, Text("invalid.whole_number", "must be a whole number")),
        ({"rate": "fast"}, Text("invalid.number", "must be a number")),
        ({"on": "maybe"}, Text("invalid.yes_or_no", "must be true or false")),
        ({"words": "a"}, Text("invalid.list", "must be a list")),
        ({"words": ["a", "b", "c"]}, Text("invalid.too_many", "has too many items; at most 2", {"most": 2})),
        ({"name": "ab"}, Text("invalid.too_short", "is too short; at least 3 characters", {"least": 3})),
        ({"name": "abcdef"}, Text("invalid.too_long", "is too long; at most 5 characters", {"most": 5})),
        ({"name": 5}, Text("invalid.text", "must be text")),
    ],
)
def test_a_common_error_is_a_catalogue_text(data: dict[str, object], said: Text) -> None:
    assert reason(**data) == said


def test_a_reason_of_our_own_keeps_its_words() -> None:
    assert reason(name="axe") == "contains an x"


GERMAN = Words(Catalogue.shipped(), "de")


def test_choices_are_joined_by_the_members_or() -> None:
    said = reason(factor=3)
    assert said == Text(
        "invalid.must_be",
        "must be 2 or 4",
        {"expected": Text("list.or", "2 or 4", {"first": "2", "last": "4"})},
    )
    assert isinstance(said, Text)
    assert GERMAN.say(said) == "muss 2 oder 4 sein"


def test_quoted_choices_keep_their_own_commas_and_words() -> None:
    quality, tricky = reason(quality="best"), reason(tricky="d")
    assert isinstance(quality, Text)
    assert isinstance(tricky, Text)
    assert str(quality) == "must be 'draft', 'standard' or 'high'"
    assert GERMAN.say(quality) == "muss 'draft', 'standard' oder 'high' sein"
    assert GERMAN.say(tricky) == """muss 'a, b or c' oder "it's" sein"""


def test_a_single_choice_has_no_or() -> None:
    assert reason(only="two") == Text("invalid.must_be", "must be 'one'", {"expected": "'one'"})
