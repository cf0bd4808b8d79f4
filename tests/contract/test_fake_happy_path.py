"""The fake ComfyUI's basic image and audio runs over real HTTP + websocket."""

from __future__ import annotations

import io
import json

import aiohttp
from PIL import Image

from tests.contract._recorder import Recorder
from tests.contract._traces import load_workflow
from tests.fakes.comfyui import FakeComfyUI


async def test_image_workflow_streams_messages_and_serves_the_saved_files(fake_comfy: FakeComfyUI) -> None:
    async with aiohttp.ClientSession() as http:
        ws = await Recorder.connect(http, fake_comfy.url, "main")
        body = {
            "prompt": load_workflow("image_emptyimage_saveimage"),
            "client_id": "main",
            "prompt_id": "p-1",
        }
        async with http.post(fake_comfy.url + "/prompt", json=body) as response:
            assert response.status == 200
            assert await response.json() == {"prompt_id": "p-1", "number": 0, "node_errors": {}}
        await ws.wait_done("p-1")
        types = [m["type"] for m in ws.texts("p-1")]
        assert types[:2] == ["execution_start", "execution_cached"]
        assert types[-2:] == ["execution_success", "executing"]
        executed = next(m for m in ws.texts("p-1") if m["type"] == "executed")
        images = executed["data"]["output"]["images"]
        assert [i["filename"] for i in images] == ["imagine_00001_.png", "imagine_00002_.png"]
        async with http.get(fake_comfy.url + "/view", params={**images[0]}) as view:
            assert view.status == 200
            assert view.content_type == "image/png"
            assert (await view.read()).startswith(b"\x89PNG\r\n\x1a\n")
        async with http.get(fake_comfy.url + "/history/p-1") as history:
            entry = (await history.json())["p-1"]
        assert entry["status"]["status_str"] == "success"
        assert entry["outputs"]["2"]["images"] == images
        await ws.close()


async def test_saved_png_carries_the_prompt_and_extra_pnginfo_like_save_image(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_emptyimage_saveimage")
    extra = {"extra_pnginfo": {"workflow": {"note": "bot"}}}
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    body = {"prompt": workflow, "client_id": "main", "extra_data": extra}
    async with http.post(fake_comfy.url + "/prompt", json=body) as response:
        prompt_id = (await response.json())["prompt_id"]
    await ws.wait_done(prompt_id)
    executed = next(m for m in ws.texts(prompt_id) if m["type"] == "executed")
    async with http.get(fake_comfy.url + "/view", params=executed["data"]["output"]["images"][0]) as view:
        data = await view.read()
    with Image.open(io.BytesIO(data)) as picture:
        picture.load()
        assert json.loads(picture.text["prompt"]) == workflow
        assert json.loads(picture.text["workflow"]) == {"note": "bot"}
