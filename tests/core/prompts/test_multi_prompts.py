"""Midjourney's `::` multi-prompts become ComfyUI's weighting instead of words to draw."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.prompts.flags import extract_flags
from core.prompts.multi_prompts import MultiPrompt, read_multi_prompt


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("a cat::2 a dog::1", MultiPrompt("a cat, (a dog:0.5)")),
        ("a cat::2 a dog", MultiPrompt("a cat, (a dog:0.5)")),
        ("hot dog:: cat", MultiPrompt("hot dog, cat")),
        ("a cat::.5 a dog", MultiPrompt("(a cat:0.5), a dog")),
        ("space ship::3 planet::1.5 moon::-0.5", MultiPrompt("space ship, (planet:0.5)", ("moon",))),
        ("a cat::0 a dog", MultiPrompt("a dog")),
        ("a cat:: 2 dogs", MultiPrompt("a cat, 2 dogs")),
        ("a cat (1920)::2 a dog", MultiPrompt("a cat (1920), (a dog:0.5)")),
        ("a cat: a dog", MultiPrompt("a cat: a dog")),
    ],
)
def test_parts_are_weighted_against_the_heaviest(typed: str, read: MultiPrompt) -> None:
    assert read_multi_prompt(typed) == read


def test_a_negatively_weighted_part_joins_the_negative_prompt() -> None:
    flags = extract_flags("a still life::2 fruit::-0.5 --no text --ar 1:1")

    assert flags.prompt == "a still life"
    assert flags.values == {"negative_prompt": "text, fruit", "aspect_ratio": "1:1"}
    assert extract_flags("a still life fruit::-0.5").spelled == {"negative_prompt": "--no"}


_PART = st.from_regex(r"[a-z]+( [a-z]+){0,2}", fullmatch=True)


@given(st.lists(st.tuples(_PART, st.integers(1, 20)), min_size=2, max_size=5, unique_by=lambda p: p[0]))
def test_no_weight_is_drawn_as_words_and_none_is_over_one(parts: list[tuple[str, int]]) -> None:
    read = read_multi_prompt(" ".join(f"{part}::{weight}" for part, weight in parts))

    assert "::" not in read.prompt
    weights = [float(weight) for weight in re.findall(r":([\d.]+)\)", read.prompt)]
    assert all(0 < weight < 1 for weight in weights)
    heaviest = max(weight for _, weight in parts)
    unweighted = [part for part, weight in parts if weight == heaviest]
    assert all(f"({part}:" not in read.prompt for part in unweighted)
