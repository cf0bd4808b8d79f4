"""Websocket sessions and prompt options replayed from ws_clientid_reconnect and no_client_id traces.

These run against the fake, or a real ComfyUI when COMFYUI_CONTRACT_URL is set.
"""

from __future__ import annotations

import re
import uuid

import aiohttp
import pytest

from tests.contract._recorder import JOB_TIMEOUT_S, Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow, long_job
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract

RECONNECT = load_trace("ws_clientid_reconnect")
OPTIONS = load_trace("no_client_id_and_prompt_id_options")
INTERRUPTED = load_trace("queue_interrupt_race")["interrupt"]["global_no_body"]  # a SaveImageWebsocket job


async def test_anonymous_socket_gets_a_hex_sid(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    ws = await Recorder.connect(http, comfy_target.url, None)
    recorded = RECONNECT["no_clientId_first_message"]
    first = ws.frames[0].msg
    assert first is not None
    assert sorted(first["data"]) == sorted(recorded["data"])
    assert re.fullmatch(r"[0-9a-f]{32}", first["data"]["sid"])
    assert re.fullmatch(r"[0-9a-f]{32}", recorded["data"]["sid"])


async def test_reused_client_id_mutes_the_first_socket_and_reconnect_resumes_mid_job(
    comfy_target: Target, http: aiohttp.ClientSession, ended_at_teardown: list[str]
) -> None:
    url = comfy_target.url
    client_id = f"rc-{uuid.uuid4().hex[:6]}"
    first = await Recorder.connect(http, url, client_id)
    second = await Recorder.connect(http, url, client_id)
    muted_at = len(first.frames)
    answer = await post_prompt(http, url, long_job(), client_id)
    ended_at_teardown.append(answer["prompt_id"])
    await second.wait_for(lambda f: f.type == "progress")
    # server.py websocket_handler: a socket connecting with a used clientId replaces the old one in
    # `sockets`, and every message, broadcasts included, is sent through that dict.
    assert len(first.frames) - muted_at == RECONNECT["first_socket_after_second_connected_types"][1]
    assert not first.ws.closed
    await first.close()  # closing the muted socket unregisters the client id (real server behaviour)
    await second.close()

    third = await Recorder.connect(http, url, client_id)
    # The handler sends `status`, then, when this client id's prompt has a node running, `executing` with
    # that node (execution.py sets server.last_node_id as each node starts and clears it when the prompt
    # ends), both before it reads anything. The long job is on node "2" until the interrupt below.
    await third.wait_for(lambda f: True, start=1)
    recorded = RECONNECT["reconnect_mid_job_first_messages"]
    opening = [f.msg for f in third.frames[:2]]
    assert [m["type"] for m in opening if m] == [m["type"] for m in recorded]
    assert [sorted(m["data"]) for m in opening if m] == [sorted(m["data"]) for m in recorded]
    assert opening[1] is not None
    assert opening[1]["data"] == {"node": "2"}  # the SaveImageWebsocket node of this workflow
    assert opening[0] is not None
    remaining = [m["data"]["status"]["exec_info"]["queue_remaining"] for m in (opening[0], recorded[0])]
    assert remaining == [1, 1]  # the job is still running

    async with http.post(url + "/interrupt", json={"prompt_id": answer["prompt_id"]}) as response:
        assert response.status == 200
    await third.wait_done(answer["prompt_id"])
    # The reconnected socket hears the rest of the prompt: its terminal message, then `executing null`.
    terminal = third.texts(answer["prompt_id"])[-2]["type"]
    history = (await get_json(http, f"{url}/history/{answer['prompt_id']}"))[answer["prompt_id"]]
    assert terminal == history["status"]["messages"][-1][0] == INTERRUPTED["terminal"]["type"]


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

    # The queue may run empty between these prompts, so the first idle status proves nothing. PromptQueue's
    # put, get and task_done each broadcast one status (server.queue_updated): the twelfth after the
    # on-connect one follows the last prompt's end.
    await observer.wait_for(lambda _: len(observer.statuses()) >= 1 + 3 * 4, timeout=JOB_TIMEOUT_S)
    assert observer.statuses()[1 + 3 * 4 - 1 :] == [0]
    history = (await get_json(http, f"{url}/history/{chosen}"))[chosen]
    assert history["prompt"][0] == again["number"]
    assert history["prompt"][3] == OPTIONS["extra_data_in_history"]
    # A prompt without client_id sends its lifecycle to nobody; other sockets see only broadcasts.
    assert {f.type for f in observer.frames} <= {"status", "progress_state", "progress", "BINARY:1"}
    assert "execution_start" not in {f.type for f in observer.frames}
