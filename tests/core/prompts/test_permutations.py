"""Permutation prompts read as Midjourney reads them: every combination of the braces' options, in order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.prompts.errors import PromptError
from core.prompts.permutations import (
    MOST_PERMUTATIONS,
    escape_permutations,
    expand_permutations,
    has_permutations,
)


@pytest.mark.parametrize(
    ("typed", "prompts"),
    [
        ("a {red, blue} bird", ["a red bird", "a blue bird"]),
        ("{a, b} {c, d}", ["a c", "a d", "b c", "b d"]),
        ("{a, {b, c}}", ["a", "b", "c"]),
        ("a {, red} bird", ["a bird", "a red bird"]),
        ("a bird --ar {1:1, 16:9}", ["a bird --ar 1:1", "a bird --ar 16:9"]),
        ("x{b, c}y", ["xby", "xcy"]),
        ("a {x\\, y, z}", ["a x, y", "a z"]),
        ("a \\{b\\} c", ["a {b} c"]),
        ("a \\\\{b, c}", ["a \\b", "a \\c"]),
        ("a, b, {c, d}", ["a, b, c", "a, b, d"]),
    ],
)
def test_a_permutation_prompt_is_every_combination_of_its_options(typed: str, prompts: list[str]) -> None:
    assert expand_permutations(typed) == prompts


@pytest.mark.parametrize("typed", ["a {red} bird", "{{masterpiece}}, 1girl", "a {red|blue} bird", "{}"])
def test_braces_without_a_comma_are_text_as_typed(typed: str) -> None:
    assert expand_permutations(typed) == [typed]


def test_a_prompt_without_braces_is_returned_as_typed() -> None:
    typed = "a path C:\\art\\, two  spaces"
    assert not has_permutations(typed)
    assert expand_permutations(typed) == [typed]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("a {red, blue", "has a `{` that is never closed"),
        ("a red} bird", "has a `}` with no `{` before it"),
        ("{a, b, c} {d, e}", "makes 6 prompts from its braces; at most 4 at once"),
        ("{" * 9 + "a" + "}" * 9, "nests braces more than 8 deep"),
    ],
)
def test_a_permutation_that_cannot_be_made_is_one_problem_with_the_prompt(typed: str, said: str) -> None:
    with pytest.raises(PromptError) as refused:
        expand_permutations(typed)
    [problem] = refused.value.problems
    assert problem.field == "prompt"
    assert said in problem.message


def test_a_huge_count_is_refused_before_any_prompt_is_built() -> None:
    with pytest.raises(PromptError) as refused:
        expand_permutations("{a, b}" * 64)
    assert f"makes {2**64} prompts" in refused.value.problems[0].message


words = st.text(alphabet="abcxyz ", min_size=1, max_size=6).map(str.strip).filter(bool)


@given(st.lists(st.lists(words, min_size=2, max_size=3), min_size=1, max_size=2), words)
def test_groups_multiply_in_reading_order(groups: list[list[str]], between: str) -> None:
    typed = f" {between} ".join("{" + ", ".join(options) + "}" for options in groups)
    expected = [f" {between} ".join(chosen) for chosen in itertools.product(*groups)]
    if len(expected) > MOST_PERMUTATIONS:
        with pytest.raises(PromptError):
            expand_permutations(typed)
    else:
        assert expand_permutations(typed) == [" ".join(e.split()) for e in expected]


@pytest.mark.parametrize(
    "prompt",
    ["a {red, blue} kite", "a kite }", "{{masterpiece}}, a \\ slash", "a plain kite \\ as typed", "{a}, {b}"],
)
def test_a_prompt_escaped_expands_to_itself_alone(prompt: str) -> None:
    assert expand_permutations(escape_permutations(prompt)) == [prompt]
