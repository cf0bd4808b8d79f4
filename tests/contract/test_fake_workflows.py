"""Every workflow the project ships as test data runs on the fake, with the outputs its save nodes imply."""

from __future__ import annotations

import io

import aiohttp
import pytest
from PIL import Image

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import DATA, load_workflow
from tests.fakes.comfyui import FakeComfyUI, media

WORKFLOWS = sorted(p.stem for p in (DATA / "workflows").glob("*.json"))
FAILING = {"runtime_error_split_mono": "SplitAudioChannels"}  # mono input: the recorded runtime error


@pytest.mark.parametrize("name", WORKFLOWS)
async def test_shipped_workflow_runs_on_the_fake(
    name: str, fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    for tone, channels in (("tone_stereo.wav", 2), ("tone_mono.wav", 1)):
        (fake_comfy.store.input_dir / tone).write_bytes(media.wav(0.2, channels))
    fake_comfy.config.node_time_s = 0  # this is about outputs, not timing
    fake_comfy.config.default_steps = 3
    workflow = load_workflow(name)
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"], timeout=10)
    messages = ws.texts(answer["prompt_id"])
    if name in FAILING:
        assert (messages[-2]["type"], messages[-2]["data"]["node_type"]) == ("execution_error", FAILING[name])
        return
    assert messages[-2]["type"] == "execution_success"
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    saving = {node_id for node_id, node in workflow.items() if node["class_type"] != "SaveImageWebsocket"}
    assert set(entry["outputs"]) == saving & set(entry["prompt"][4])
    for node_output in entry["outputs"].values():
        for files in node_output.values():
            for saved in files:
                folder = fake_comfy.store.directory(saved["type"])
                assert folder is not None
                assert (folder / saved["subfolder"] / saved["filename"]).stat().st_size > 0


async def test_img2img_uses_the_uploaded_picture(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("image", media.png(96, 80, 0x336699), filename="photo.png", content_type="image/png")
    async with http.post(fake_comfy.url + "/upload/image", data=form) as response:
        uploaded = (await response.json())["name"]
    info = await get_json(http, fake_comfy.url + "/object_info/LoadImage")
    assert uploaded in info["LoadImage"]["input"]["required"]["image"][0]
    workflow = load_workflow("sd15_txt2img_random_ckpt_64px")
    workflow["10"] = {"class_type": "LoadImage", "inputs": {"image": uploaded}}
    workflow["11"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}}
    workflow["3"]["inputs"].update(latent_image=["11", 0], denoise=0.6)
    del workflow["5"]
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"])
    executed = next(m for m in ws.texts(answer["prompt_id"]) if m["type"] == "executed")
    (saved,) = executed["data"]["output"]["images"]
    async with http.get(fake_comfy.url + "/view", params=saved) as response:
        with Image.open(io.BytesIO(await response.read())) as picture:
            assert picture.size == (96, 80)

    workflow["10"]["inputs"]["image"] = "nope.png"
    async with http.post(fake_comfy.url + "/prompt", json={"prompt": workflow}) as response:
        assert response.status == 400
        (reason,) = (await response.json())["node_errors"]["10"]["errors"]
    assert reason["details"] == "image - Invalid image file: nope.png"
