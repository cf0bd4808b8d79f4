"""Kill, restart and stop behave like the real server (PROTOCOL.md section 11)."""

from __future__ import annotations

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


async def test_kill_mid_job_drops_the_socket_without_a_goodbye_and_refuses_connections(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.02))
    ws = await Recorder.connect(http, fake.url, "main")
    await post_prompt(http, fake.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "main")
    await ws.wait_for(lambda f: f.type == "progress")
    await fake.kill()

    assert await ws.wait_closed() == load_trace("server_kill_mid_job")["ws_end"]["close_code"] == 1006
    types = [f.type for f in ws.frames]
    assert not {"execution_error", "execution_interrupted", "execution_success"} & set(types)
    with pytest.raises(aiohttp.ClientConnectorError):
        await http.get(fake.url + "/history")
    with pytest.raises(aiohttp.ClientConnectorError):
        await http.ws_connect(fake.url + "/ws")


async def test_restart_forgets_history_queue_and_number_but_keeps_output_files(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    url = fake_comfy.url
    workflow = load_workflow("image_emptyimage_saveimage")
    ws = await Recorder.connect(http, url, "main")
    first = await post_prompt(http, url, workflow, "main")
    await ws.wait_done(first["prompt_id"])
    preview = {
        "1": workflow["1"],
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}},
    }
    second = await post_prompt(http, url, preview, "main")
    await ws.wait_done(second["prompt_id"])
    temp_file = (await get_json(http, f"{url}/history/{second['prompt_id']}"))[second["prompt_id"]]["outputs"]
    temp_query = temp_file["2"]["images"][0]

    await fake_comfy.restart()

    assert fake_comfy.url == url
    assert await get_json(http, url + "/history") == {}
    assert await get_json(http, f"{url}/history/{first['prompt_id']}") == {}
    async with http.get(url + "/view", params={"filename": "imagine_00001_.png", "subfolder": "bot"}) as view:
        assert view.status == 200
    async with http.get(url + "/view", params=temp_query) as view:
        assert view.status == 404  # temp/ is wiped on restart
    ws = await Recorder.connect(http, url, "main")
    third = await post_prompt(http, url, workflow, "main")
    assert third["number"] == 0
    await ws.wait_done(third["prompt_id"])
    executed = next(m for m in ws.texts(third["prompt_id"]) if m["type"] == "executed")
    names = [image["filename"] for image in executed["data"]["output"]["images"]]
    assert names == ["imagine_00003_.png", "imagine_00004_.png"]  # counters continue from the files on disk


async def test_stop_closes_websockets_with_a_close_frame(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    await fake_comfy.stop()
    assert await ws.wait_closed() == 1001
