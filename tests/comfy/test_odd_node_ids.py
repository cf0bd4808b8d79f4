"""Node ids that look numeric to str.isdigit but not to int() (like "²") are ordered, not a crash."""

from __future__ import annotations

from comfy import errors
from comfy.rejections import prompt_rejected


def test_a_refusal_naming_an_odd_node_id_is_still_read() -> None:
    body = {
        "error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation"},
        "node_errors": {
            "²": {"errors": [{"type": "x", "message": "bad input"}], "class_type": "KSampler"},
            "3": {"errors": [{"type": "x", "message": "bad input"}], "class_type": "CLIPTextEncode"},
        },
    }
    error = prompt_rejected(body)
    assert isinstance(error, errors.PromptRejected)
    assert [problem.node_id for problem in error.problems] == ["3", "²"]
