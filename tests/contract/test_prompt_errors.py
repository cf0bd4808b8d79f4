"""POST /prompt answers every recorded invalid (and borderline valid) request like the real server."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from tests.contract._traces import load_trace
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract

CASES = load_trace("post_prompt_errors")
JSON_CASES = {name: case for name, case in CASES.items() if "request_body" in case}


def _mask(value: Any, real: bool) -> Any:
    """Mask what differs between runs: tracebacks, ids, counters (and model lists on a real server)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "traceback":
                out[key] = "<traceback>"
            elif key in ("prompt_id", "number"):
                out[key] = f"<{type(item).__name__}>"
            elif real and key == "input_config" and isinstance(item, list) and isinstance(item[0], list):
                out[key] = ["<choices>", *item[1:]]
            else:
                out[key] = _mask(item, real)
        return out
    if isinstance(value, list):
        return [_mask(item, real) for item in value]
    if real and isinstance(value, str):
        return re.sub(r"not in \[.*\]", "not in [<choices>]", value)
    return value


@pytest.mark.parametrize("case", sorted(JSON_CASES))
async def test_post_prompt_answers_like_the_recording(
    case: str, comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = JSON_CASES[case]
    if comfy_target.fake is not None:
        comfy_target.fake.config.models["CheckpointLoaderSimple.ckpt_name"] = []  # as when recorded
    async with http.post(comfy_target.url + "/prompt", json=recorded["request_body"]) as response:
        assert response.status == recorded["http_status"]
        body = await response.json()
    real = comfy_target.fake is None
    assert _mask(body, real) == _mask(recorded["response"], real)


async def test_non_json_body_is_a_plain_text_500(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    recorded = CASES["non_json_body"]
    async with http.post(comfy_target.url + "/prompt", data=b"{not json") as response:
        assert response.status == recorded["http_status"]
        assert response.content_type == "text/plain"
        assert await response.text() == recorded["response"]
