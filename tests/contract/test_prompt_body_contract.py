"""POST /prompt bodies as the client writes them (pydantic-core: no spaces, raw UTF-8) reach ComfyUI intact:
the server stores and echoes exactly the text that was sent, and saves under it.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from comfy.client import ComfyClient
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0
PREFIX = 'contract/é ✓ 日本 "quoted" \\ back'


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"body-{uuid.uuid4().hex[:8]}") as started:
        yield started


async def test_non_ascii_and_escaped_text_is_stored_echoed_and_saved_as_sent(client: ComfyClient) -> None:
    graph = {
        "1": {"class_type": "EmptyImage",
              "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": uuid.uuid4().int % 0xFFFFFF}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": PREFIX}},
    }  # fmt: skip
    prompt_id = f"body-{uuid.uuid4().hex}"

    completed = await (await client.submit(graph, prompt_id)).result(JOB_TIMEOUT_S)
    history = await client.http.history(prompt_id)

    assert history is not None
    stored = history["prompt"][2]  # [number, prompt_id, graph, extra_data, outputs to execute]
    assert stored["2"]["inputs"]["filename_prefix"] == PREFIX
    [saved] = completed.files
    assert saved.filename.startswith("é ✓ 日本")
