"""Every upload case recorded from the real ComfyUI (traces/upload_cases.json) gets the same answer again."""

from __future__ import annotations

import json

import aiohttp
import pytest

from tests.contract._upload_cases import TRACE, play
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract


async def test_upload_answers_match_the_recorded_trace(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = json.loads(TRACE.read_text())["cases"]

    replayed = await play(http, comfy_target.url)

    assert replayed == recorded
