"""`--zoom N` and `--pan side` in a prompt: a Custom Zoom or a pan of a picture given to /imagine."""

from __future__ import annotations

import pytest

from core.prompts.errors import PromptError
from core.prompts.image import read_image_request


def test_a_zoom_flag_sets_how_far_out_and_leaves_the_prompt() -> None:
    request = read_image_request("a beach at dawn --zoom 1.5 --ar 16:9")

    assert request.params.zoom == 1.5
    assert request.params.prompt == "a beach at dawn"
    assert request.params.aspect_ratio == "16:9"
    assert read_image_request("a beach --zoom 1,25").params.zoom == 1.25  # a decimal comma too


def test_a_pan_flag_sets_the_side_in_any_case() -> None:
    assert read_image_request("a beach --pan Left").params.pan == "left"


@pytest.mark.parametrize("value", ["1", "2.5", "0.5", "wide", "-2", "1e0"])
def test_a_zoom_that_is_not_a_zoom_out_is_refused_naming_the_flag(value: str) -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request(f"a beach --zoom {value}")

    [problem] = caught.value.problems
    assert problem.field == f"--zoom {value}"  # the flag as it was typed
    assert problem.message == f"'{value}' is not a zoom out; use a number over 1, up to 2"


def test_a_pan_to_nowhere_is_refused_with_the_ways_there_are() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("a beach --pan sideways")

    [problem] = caught.value.problems
    assert problem.message == "'sideways' is not a way to pan; use left, right, up, down"


def test_a_zoom_and_a_pan_together_are_refused_naming_the_pan() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("a beach --pan left --zoom 2")

    [problem] = caught.value.problems
    assert (problem.field, problem.message) == ("--pan", "zoom out or pan, not both at once")


def test_a_strength_with_a_zoom_is_refused_rather_than_dropped() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("a beach --zoom 2", strength=0.4)

    [problem] = caught.value.problems
    assert problem.field == "strength"
    assert "drawn from nothing" in problem.message
