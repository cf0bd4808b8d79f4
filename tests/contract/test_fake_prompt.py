"""POST /prompt details of the fake beyond the recorded error cases."""

from __future__ import annotations

import aiohttp
import pytest

from tests.contract._recorder import Recorder, post_prompt
from tests.contract._traces import load_workflow
from tests.fakes.comfyui import FakeComfyUI


async def test_any_combo_list_can_be_configured(fake_comfy: FakeComfyUI, http: aiohttp.ClientSession) -> None:
    fake_comfy.config.models["KSampler.sampler_name"] = ["euler", "dpmpp_2m"]
    workflow = load_workflow("sd15_txt2img_random_ckpt_64px")
    workflow["3"]["inputs"]["sampler_name"] = "uni_pc"
    async with http.post(fake_comfy.url + "/prompt", json={"prompt": workflow}) as response:
        assert response.status == 400
        body = await response.json()
    (error,) = body["node_errors"]["3"]["errors"]
    assert error["details"] == "sampler_name: 'uni_pc' not in ['euler', 'dpmpp_2m']"
    assert error["extra_info"]["input_config"][0] == ["euler", "dpmpp_2m"]


async def test_partial_execution_targets_run_only_the_named_outputs(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_savews_progress")
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main", partial_execution_targets=["4"])
    await ws.wait_done(answer["prompt_id"])
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    assert entry["prompt"][4] == ["4"]
    assert [m["data"]["node"] for m in ws.texts(answer["prompt_id"]) if m["type"] == "executing"] == [
        "1", "2", "4", None,
    ]  # fmt: skip


async def test_sensitive_extra_data_never_reaches_queue_or_history(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    extra = {"extra_pnginfo": {"workflow": {"note": "bot"}}, "api_key_comfy_org": "secret", "my_key": 1}
    answer = await post_prompt(
        http, fake_comfy.url, load_workflow("image_emptyimage_saveimage"), "main", extra_data=extra
    )
    await ws.wait_done(answer["prompt_id"])
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    assert entry["prompt"][3] == {
        "extra_pnginfo": {"workflow": {"note": "bot"}},
        "my_key": 1,
        "client_id": "main",
    }
    assert fake_comfy.prompts_received[-1]["extra_data"]["api_key_comfy_org"] == "secret"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b"5", 500),
        (b'{"prompt": {"1": 5}}', 500),
        (b'{"prompt": 5}', 500),
    ],
)
async def test_odd_json_shapes_fall_through_or_crash_like_the_real_handler(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession, body: bytes, status: int
) -> None:
    async with http.post(fake_comfy.url + "/prompt", data=body) as response:
        assert response.status == status
        if status == 500:
            assert await response.text() == "500 Internal Server Error\n\nServer got itself in trouble"


async def test_websocket_with_a_foreign_origin_is_refused(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(fake_comfy.url + "/ws", headers={"Origin": "http://evil.example.com"})
    assert refused.value.status == 403


async def test_unknown_audio_file_fails_the_load_audio_custom_check(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("audio_SaveAudio")
    workflow["1"]["inputs"]["audio"] = "missing.wav"
    async with http.post(fake_comfy.url + "/prompt", json={"prompt": workflow}) as response:
        assert response.status == 400
        body = await response.json()
    assert body["node_errors"]["1"]["errors"] == [
        {
            "type": "custom_validation_failed",
            "message": "Custom validation failed for node",
            "details": "audio - Invalid audio file: missing.wav",
            "extra_info": {"input_name": "audio"},
        }
    ]


async def test_saving_outside_the_output_folder_is_an_execution_error(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_emptyimage_saveimage")
    workflow["2"]["inputs"]["filename_prefix"] = "../escape/imagine"
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"])
    error = ws.texts(answer["prompt_id"])[-2]
    assert (error["type"], error["data"]["node_id"], error["data"]["exception_type"]) == (
        "execution_error", "2", "Exception",
    )  # fmt: skip
    assert "outside the output folder" in error["data"]["exception_message"]
    assert not (fake_comfy.store.output_dir.parent / "escape").exists()
