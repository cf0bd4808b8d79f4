"""The nodes that take inputs are described as the real ComfyUI 0.3.64 describes them (recorded specs)."""

from __future__ import annotations

import json

import aiohttp
import pytest

from tests.contract._input_node_specs import TRACE, specs
from tests.contract.conftest import Target
from tests.contract.test_upload_contract import unique, upload

pytestmark = pytest.mark.contract


async def test_input_node_specs_match_the_recorded_ones(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = json.loads(TRACE.read_text())["specs"]

    assert await specs(http, comfy_target.url) == recorded


async def test_load_image_mask_lists_every_uploaded_file_and_load_image_only_pictures(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    name = unique("tone", "wav")
    await upload(http, comfy_target.url, {"image": (name, b"RIFF....WAVE")})

    async with http.get(f"{comfy_target.url}/object_info") as response:
        info = await response.json()

    assert name in info["LoadImageMask"]["input"]["required"]["image"][0]
    assert name not in info["LoadImage"]["input"]["required"]["image"][0]
    assert name in info["LoadAudio"]["input"]["required"]["audio"][0]
