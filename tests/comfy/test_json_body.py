"""A request's JSON body reads back as what json.dumps would have sent, whichever encoder wrote it."""

from __future__ import annotations

import json
import math

import pytest

from comfy.transport import json_body
from tests.comfy.conftest import graph


@pytest.mark.parametrize(
    "doc",
    [
        {"prompt": graph("image_emptyimage_saveimage"), "prompt_id": "p-1", "extra_data": {}},
        {"text": 'é ✓ \u2028 </script> "quoted" \\ \x00'},
        {"seed": 2**64 - 1, "negative": -(2**63) - 5, "cfg": 7.5, "denoise": 0.1, "big": 1e16, "none": None},
        {"lone surrogate": "\ud800"},  # the fallback's case
        {"delete": ["a", "b"], "tuple": (1, 2)},
        {"up": float("inf"), "down": float("-inf")},
    ],
)
def test_a_request_body_reads_back_as_json_dumps_writes_it(doc: dict[str, object]) -> None:
    assert json.loads(json_body(doc)) == json.loads(json.dumps(doc))


def test_not_a_number_is_written_as_json_dumps_writes_it() -> None:
    assert math.isnan(json.loads(json_body({"x": float("nan")}))["x"])


def test_what_neither_encoder_can_write_is_a_type_error_as_before() -> None:
    with pytest.raises(TypeError):
        json_body({"x": object()})
