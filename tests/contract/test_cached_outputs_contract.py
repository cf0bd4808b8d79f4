"""A prompt whose outputs come from ComfyUI's cache still names its files to the client.

The client finishes a run from its websocket frames (``executed`` for each output node, then
``execution_success``) without reading /history when its socket never broke. That holds only if the server
sends ``executed`` for an output node whose result was cached, as ComfyUI 0.3.64 does (execution.py answers a
cached node with its cached UI output). A prompt sent twice is the whole-graph case: every node is cached the
second time. Runs against the fake by default and against a real ComfyUI with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from comfy.client import ComfyClient
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"cached-{uuid.uuid4().hex[:8]}") as started:
        yield started


def picture_graph(colour: int) -> dict[str, Any]:
    # A colour of this test run's own, so no earlier run's cache answers the first prompt.
    return {
        "1": {"class_type": "EmptyImage",
              "inputs": {"width": 16, "height": 8, "batch_size": 1, "color": colour}},
        "2": {"class_type": "SaveImage",
              "inputs": {"images": ["1", 0], "filename_prefix": "contract/cached"}},
    }  # fmt: skip


async def downloaded(client: ComfyClient, graph: dict[str, Any]) -> tuple[list[str], list[bytes]]:
    run = await client.submit(graph, f"cached-{uuid.uuid4().hex}")
    completed = await run.result(JOB_TIMEOUT_S)
    contents = []
    for output in completed.files:
        async with client.http.view(output) as answer:
            contents.append(b"".join([chunk async for chunk in answer.chunks]))
    return [output.filename for output in completed.files], contents


async def test_a_prompt_answered_wholly_from_the_cache_still_names_and_serves_its_files(
    client: ComfyClient,
) -> None:
    graph = picture_graph(uuid.uuid4().int % 0xFFFFFF)

    first_names, first_files = await downloaded(client, graph)
    again_names, again_files = await downloaded(client, graph)

    assert len(first_names) == 1
    assert again_names == first_names  # the cached node's output, the file the first run saved
    assert again_files == first_files
    assert first_files[0].startswith(b"\x89PNG")
