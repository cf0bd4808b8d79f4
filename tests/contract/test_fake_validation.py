"""Properties of the fake's POST /prompt validation, checked directly (no HTTP) over many inputs."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.contract._traces import load_workflow
from tests.fakes.comfyui import FakeConfig
from tests.fakes.comfyui.catalogue import Catalogue
from tests.fakes.comfyui.validation import validate_prompt

CATALOGUE = Catalogue(FakeConfig())
WORKFLOW = load_workflow("image_emptyimage_saveimage")


def _with_width(width: Any) -> dict[str, Any]:
    workflow = copy.deepcopy(WORKFLOW)
    workflow["1"]["inputs"]["width"] = width
    return workflow


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_int_bounds_give_the_real_messages(width: int) -> None:
    verdict = validate_prompt(CATALOGUE, _with_width(width), None)
    if 1 <= width <= 16384:
        assert verdict.ok
        return
    assert not verdict.ok
    (reason,) = verdict.node_errors["1"]["errors"]
    if width < 1:
        assert (reason["type"], reason["message"]) == (
            "value_smaller_than_min",
            f"Value {width} smaller than min of 1",
        )
    else:
        assert (reason["type"], reason["message"]) == (
            "value_bigger_than_max",
            f"Value {width} bigger than max of 16384",
        )
    assert verdict.node_errors["1"]["dependent_outputs"] == ["2"]
    assert verdict.error is not None
    assert verdict.error["details"] == ""  # reasons of upstream nodes never reach error.details


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=16384))
def test_numeric_strings_are_coerced_and_written_back(width: int) -> None:
    workflow = _with_width(str(width))
    assert validate_prompt(CATALOGUE, workflow, None).ok
    assert workflow["1"]["inputs"]["width"] == width


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="abcxyz .", min_size=1, max_size=8))
def test_non_numeric_strings_fail_with_pythons_own_message(text: str) -> None:
    verdict = validate_prompt(CATALOGUE, _with_width(text), None)
    (reason,) = verdict.node_errors["1"]["errors"]
    assert reason["type"] == "invalid_input_type"
    assert reason["details"] == f"width, {text}, invalid literal for int() with base 10: {text!r}"
