"""ComfyUI begins every progress_state frame with its type and prompt id, as comfy.text_frames reads them
without parsing the node list; what that reading yields is what the whole frame says.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set: there the
frames are written by its server.send_json (aiohttp's json.dumps of {"type", "data"}) from the
{"prompt_id", "nodes"} dict of its progress handler.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import aiohttp
import pytest

from comfy import node_messages, protocol
from tests.contract._traces import fresh_sd15_graph
from tests.contract.conftest import RANDOM_SD15, Target

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0
STEPS = 3


async def raw_text_frames(http: aiohttp.ClientSession, url: str, graph: object, prompt_id: str) -> list[str]:
    """Every text frame a client's socket gets while its prompt runs, as sent, up to its `executing` null."""
    client_id = f"head-{uuid.uuid4().hex[:8]}"
    texts: list[str] = []
    async with http.ws_connect(f"{url}/ws", params={"clientId": client_id}) as ws:
        body = {"prompt": graph, "prompt_id": prompt_id, "client_id": client_id}
        async with http.post(f"{url}/prompt", json=body) as answer:
            assert answer.status == 200, await answer.text()
        async with asyncio.timeout(JOB_TIMEOUT_S):
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                texts.append(message.data)
                doc = json.loads(message.data)
                data = doc.get("data") or {}
                if (
                    doc["type"] == "executing"
                    and data.get("node") is None
                    and data.get("prompt_id") == prompt_id
                ):
                    return texts
    raise AssertionError("the socket closed before the prompt ended")


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_progress_state_frames_begin_with_type_and_prompt_id_and_read_as_the_whole(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    if comfy_target.fake is not None:
        comfy_target.fake.config.step_time_s = 0.01
    graph = fresh_sd15_graph(STEPS)
    prompt_id = f"head-{uuid.uuid4().hex}"

    texts = await raw_text_frames(http, comfy_target.url, graph, prompt_id)

    states = [text for text in texts if json.loads(text)["type"] == "progress_state"]
    assert len(states) >= STEPS  # one at each step at least
    head = '{"type": "progress_state", "data": {"prompt_id": "' + prompt_id + '", "nodes": {'
    assert [text[: len(head)] for text in states] == [head] * len(states)
    for text in states:
        message = protocol.parse_text_frame(text)
        assert message is not None
        assert (message.type, message.prompt_id) == ("progress_state", prompt_id)
        whole = json.loads(text)["data"]
        assert node_messages.node_states_in(message) == node_messages.node_states(whole)
        assert node_messages.node_states(whole)  # the nodes ComfyUI lists are read, not dropped
