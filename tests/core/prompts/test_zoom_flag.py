"""`--zoom N` in a prompt: Midjourney's Custom Zoom, for a picture given to /imagine."""

from __future__ import annotations

import pytest

from core.prompts.errors import PromptError
from core.prompts.image import read_image_request


def test_a_zoom_flag_sets_how_far_out_and_leaves_the_prompt() -> None:
    request = read_image_request("a beach at dawn --zoom 1.5 --ar 16:9")

    assert request.params.zoom == 1.5
    assert request.params.prompt == "a beach at dawn"
    assert request.params.aspect_ratio == "16:9"


@pytest.mark.parametrize("value", ["1", "2.5", "0.5", "wide", "-2", "1e0"])
def test_a_zoom_that_is_not_a_zoom_out_is_refused_naming_the_flag(value: str) -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request(f"a beach --zoom {value}")

    [problem] = caught.value.problems
    assert problem.field == f"--zoom {value}"  # the flag as it was typed
    assert problem.message == f"'{value}' is not a zoom out; use a number over 1, up to 2"
