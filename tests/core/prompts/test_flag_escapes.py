r"""`\--word` is the text `--word`: a prompt may hold a flag's spelling, and a stored one put back in a form
reads as the same prompt, braces and backslashes and all."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.kinds import IMAGE, VIDEO
from core.prompts.errors import PromptError
from core.prompts.flag_escapes import escape_flags
from core.prompts.permutations import expand_permutations
from core.prompts.typed_text import read_prompt, read_typed, retyped_prompt


def _read(typed: str) -> list[tuple[str, dict[str, Any]]]:
    """As /imagine reads what is typed: its permutations, then each prompt's flags."""
    return [(each.text, each.values) for each in map(read_prompt, expand_permutations(typed))]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (r"a \--ar kite", [("a --ar kite", {})]),
        (r"a \—ar kite", [("a —ar kite", {})]),
        (r"a \–ar kite", [("a –ar kite", {})]),
        (r"\--help me", [("--help me", {})]),
        (r"a \\\--ar kite", [(r"a \--ar kite", {})]),
        (r"a \\--ar 16:9 kite", [("a \\ kite", {"aspect_ratio": "16:9"})]),
        (r"a \\—ar 16:9 kite", [("a \\ kite", {"aspect_ratio": "16:9"})]),
        (r"a kite --no \--ar, text", [("a kite", {"negative_prompt": "--ar, text"})]),
        (r"a {red, blue} \--ar kite", [("a red --ar kite", {}), ("a blue --ar kite", {})]),
        (r"a \{kite\} \\--ar 2:1", [("a {kite} \\", {"aspect_ratio": "2:1"})]),
        (r"{a, \\--ar 2:1 b}", [("a", {}), ("\\ b", {"aspect_ratio": "2:1"})]),
    ],
)
def test_backslashes_before_a_flag_escape_it_with_braces_or_without(
    typed: str, read: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _read(typed) == read


@pytest.mark.parametrize(
    "typed", [r"C:\dir a\--b kite", r"a \ kite", r"a \\ kite", r"a \- kite", r"a \---ar kite"]
)
def test_backslashes_not_before_a_flag_are_text_as_typed(typed: str) -> None:
    assert _read(typed) == [(typed, {})]


def test_an_unescaped_flag_is_still_a_flag() -> None:
    assert _read("a kite —ar 16:9") == [("a kite", {"aspect_ratio": "16:9"})]


@pytest.mark.parametrize("spelled", ["--help", "—help"])
def test_an_unknown_flag_is_refused_with_the_escape_that_writes_it_as_words(spelled: str) -> None:
    with pytest.raises(PromptError) as refused:
        _read(f"a terminal showing {spelled}")
    [problem] = refused.value.problems
    assert problem.field == spelled
    assert problem.message.endswith(f"for the words themselves, write `\\{spelled}`")
    assert _read(f"a terminal showing \\{spelled}") == [(f"a terminal showing {spelled}", {})]


@pytest.mark.parametrize(
    ("stored", "escaped"),
    [
        ("a --ar kite", r"a \--ar kite"),
        ("a —ar", r"a \—ar"),
        (r"a \--ar", r"a \\\--ar"),
        (r"a\--ar", r"a\--ar"),
        ("a -- b", "a -- b"),
    ],
)
def test_escaping_marks_each_flag_spelled_in_a_stored_prompt(stored: str, escaped: str) -> None:
    assert escape_flags(stored) == escaped


def test_a_stored_prompt_with_a_flag_and_braces_is_retyped_to_read_as_itself() -> None:
    stored = r"a --ar {x, y} \--q kite"
    assert retyped_prompt(IMAGE, stored) == r"a \--ar \{x, y\} \\\--q kite"
    assert _read(retyped_prompt(IMAGE, stored)) == [(stored, {})]


def test_a_prompt_of_a_kind_that_reads_no_flags_is_retyped_with_only_its_braces_escaped() -> None:
    # A video's prompt is taken as typed: a backslash put before its `--word` would stay in it.
    stored = "a --ar {x, y} kite"
    assert retyped_prompt(VIDEO, stored) == r"a --ar \{x, y\} kite"
    assert [read_typed(VIDEO, each).text for each in expand_permutations(retyped_prompt(VIDEO, stored))] == [
        stored
    ]


# What a stored prompt is made of, flags, braces and backslashes foremost; its words single-spaced, as read.
stored_prompts = (
    st.text(alphabet="anoqr \\-—–{},", max_size=40).map(lambda text: " ".join(text.split())).filter(bool)
)


@given(stored_prompts)
def test_any_stored_prompt_retyped_reads_back_as_itself_with_no_flag_or_permutation(stored: str) -> None:
    assert _read(retyped_prompt(IMAGE, stored)) == [(stored, {})]
