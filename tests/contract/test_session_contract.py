"""Websocket sessions and prompt options replayed from ws_clientid_reconnect and no_client_id traces.

These run against the fake, or a real ComfyUI when COMFYUI_CONTRACT_URL is set.
"""

from __future__ import annotations

import re
import uuid

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, is_idle_status, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract

RECONNECT = load_trace("ws_clientid_reconnect")
OPTIONS = load_trace("no_client_id_and_prompt_id_options")


def _long_job() -> dict[str, object]:
    workflow = load_workflow("long_savews_interruptible")
    workflow["1"]["inputs"]["color"] = uuid.uuid4().int % (1 << 24)  # type: ignore[index]
    return workflow


async def test_anonymous_socket_gets_a_hex_sid(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    ws = await Recorder.connect(http, comfy_target.url, None)
    recorded = RECONNECT["no_clientId_first_message"]
    first = ws.frames[0].msg
    assert first is not None
    assert sorted(first["data"]) == sorted(recorded["data"])
    assert re.fullmatch(r"[0-9a-f]{32}", first["data"]["sid"])
    assert re.fullmatch(r"[0-9a-f]{32}", recorded["data"]["sid"])


async def test_reused_client_id_mutes_the_first_socket_and_reconnect_resumes_mid_job(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    url = comfy_target.url
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0.002
    client_id = f"rc-{uuid.uuid4().hex[:6]}"
    first = await Recorder.connect(http, url, client_id)
    second = await Recorder.connect(http, url, client_id)
    muted_at = len(first.frames)
    answer = await post_prompt(http, url, _long_job(), client_id)
    await second.wait_for(lambda f: f.type == "progress", timeout=60)
    assert len(first.frames) - muted_at == RECONNECT["first_socket_after_second_connected_types"][1]
    assert not first.ws.closed
    await first.close()  # closing the muted socket unregisters the client id (real server behaviour)
    await second.close()

    third = await Recorder.connect(http, url, client_id)
    recorded = RECONNECT["reconnect_mid_job_first_messages"]
    opening = [f.msg for f in third.frames[:2]]
    assert [m["type"] for m in opening if m] == [m["type"] for m in recorded]
    assert [sorted(m["data"]) for m in opening if m] == [sorted(m["data"]) for m in recorded]
    assert opening[1] is not None
    assert opening[1]["data"] == {"node": "2"}  # the SaveImageWebsocket node of this workflow
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0
    done = await third.wait_done(answer["prompt_id"], timeout=120)
    assert done.msg is not None
    terminal = third.texts(answer["prompt_id"])[-2]["type"]
    assert terminal == RECONNECT["reconnect_mid_job_terminal_received"]


async def test_prompt_options_client_ids_numbers_and_extra_data(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    url = comfy_target.url
    observer = await Recorder.connect(http, url, f"obs-{uuid.uuid4().hex[:6]}")
    workflow = load_workflow("image_emptyimage_saveimage")
    workflow["1"]["inputs"]["color"] = uuid.uuid4().int % (1 << 24)

    anonymous = await post_prompt(http, url, workflow)
    assert sorted(anonymous) == sorted(OPTIONS["no_client_id_post_response"])
    chosen = f"bot-{uuid.uuid4().hex}"
    extra = {"extra_pnginfo": {"workflow": {"note": "bot"}}, "my_key": 1}
    first = await post_prompt(http, url, workflow, "x", prompt_id=chosen, extra_data=extra)
    assert first["prompt_id"] == chosen
    again = await post_prompt(http, url, workflow, "x", prompt_id=chosen, extra_data=extra)
    assert again["prompt_id"] == chosen
    assert again["number"] == first["number"] + 1
    explicit = await post_prompt(http, url, workflow, "x", number=2.5)
    assert explicit["number"] == OPTIONS["explicit_number_response"]["number"] == 2.5

    await observer.wait_for(is_idle_status, start=1, timeout=60)
    history = (await get_json(http, f"{url}/history/{chosen}"))[chosen]
    assert history["prompt"][0] == again["number"]
    assert history["prompt"][3] == OPTIONS["extra_data_in_history"]
    # A prompt without client_id sends its lifecycle to nobody; other sockets see only broadcasts.
    assert {f.type for f in observer.frames} <= {"status", "progress_state", "progress", "BINARY:1"}
    assert "execution_start" not in {f.type for f in observer.frames}
