"""FakeConfig knobs that have no real-server equivalent: node classes and runtime failures on demand."""

from __future__ import annotations

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.fakes.comfyui import FakeComfyUI


async def test_node_classes_can_be_added_or_removed_at_runtime(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.extra_node_classes.add("TextEncodeAceStepAudio1.5")
    fake_comfy.config.missing_node_classes.add("SaveAudioMP3")
    info = await get_json(http, fake_comfy.url + "/object_info")
    assert "TextEncodeAceStepAudio1.5" in info
    assert "EmptyAceStep1.5LatentAudio" not in info
    assert "SaveAudioMP3" not in info
    body = {"prompt": load_workflow("audio_SaveAudioMP3_V0")}
    async with http.post(fake_comfy.url + "/prompt", json=body) as response:
        assert response.status == 400
        assert (await response.json())["error"][
            "message"
        ] == "Cannot execute because node SaveAudioMP3 does not exist."


async def test_checkpoint_list_comes_from_config(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.models["CheckpointLoaderSimple.ckpt_name"] = ["only.safetensors"]
    assert await get_json(http, fake_comfy.url + "/models/checkpoints") == ["only.safetensors"]
    info = await get_json(http, fake_comfy.url + "/object_info/CheckpointLoaderSimple")
    assert info["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] == ["only.safetensors"]


async def test_runtime_error_class_fails_with_an_execution_error(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.runtime_error_class = "VAEDecode"
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "main")
    await ws.wait_done(answer["prompt_id"])
    error = ws.texts(answer["prompt_id"])[-2]
    (recorded_entry,) = load_trace("runtime_error_execution_error")["history"].values()
    assert error["type"] == "execution_error"
    assert sorted(error["data"]) == sorted(recorded_entry["status"]["messages"][-1][1])
    assert (error["data"]["node_id"], error["data"]["node_type"]) == ("8", "VAEDecode")
    assert sorted(error["data"]["executed"]) == ["3", "4", "5", "6", "7"]
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    assert (entry["status"]["status_str"], entry["status"]["completed"], entry["outputs"]) == (
        "error",
        False,
        {},
    )


async def test_lora_lists_come_from_config_and_a_lora_graph_runs(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.models["LoraLoader.lora_name"] = ["style.safetensors"]
    assert await get_json(http, fake_comfy.url + "/models/loras") == ["style.safetensors"]
    workflow = load_workflow("sd15_txt2img_random_ckpt_64px")
    workflow["10"] = {
        "class_type": "LoraLoader",
        "inputs": {"model": ["4", 0], "clip": ["4", 1], "lora_name": "style.safetensors",
                   "strength_model": 0.8, "strength_clip": 0.8},
    }  # fmt: skip
    workflow["3"]["inputs"]["model"] = ["10", 0]
    workflow["6"]["inputs"]["clip"] = ["10", 1]
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"])
    assert "10" in [m["data"]["node"] for m in ws.texts(answer["prompt_id"]) if m["type"] == "executing"]
    assert ws.texts(answer["prompt_id"])[-2]["type"] == "execution_success"


async def test_an_unknown_extra_class_becomes_a_permissive_custom_node(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_emptyimage_saveimage")
    workflow["5"] = {"class_type": "MyUpscaler", "inputs": {"image": ["1", 0], "scale": 2}}
    workflow["2"]["inputs"]["images"] = ["5", 0]
    async with http.post(fake_comfy.url + "/prompt", json={"prompt": workflow}) as response:
        assert response.status == 400  # a backend without the custom node
    fake_comfy.config.extra_node_classes.add("MyUpscaler")
    assert "MyUpscaler" in await get_json(http, fake_comfy.url + "/object_info")
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"])
    assert ws.texts(answer["prompt_id"])[-2]["type"] == "execution_success"


def _node(class_type: str, **inputs: object) -> dict[str, object]:
    return {"class_type": class_type, "inputs": inputs}


async def test_ace_step_1_5_graph_runs_when_the_backend_has_those_classes(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    config = fake_comfy.config
    config.extra_node_classes |= {"TextEncodeAceStepAudio1.5", "EmptyAceStep1.5LatentAudio"}
    config.models["UNETLoader.unet_name"] = ["ace15.safetensors"]
    config.models["VAELoader.vae_name"] = ["ace15_vae.safetensors"]
    config.models["DualCLIPLoader.clip_name1"] = ["qwen_0.6b.safetensors", "qwen_1.7b.safetensors"]
    text = _node(
        "TextEncodeAceStepAudio1.5", clip=["2", 0], tags="lofi, piano", lyrics="[inst]", seed=7, bpm=90,
        duration=30.0, timesignature="4", language="en", keyscale="C major", generate_audio_codes=True,
        cfg_scale=2.0, temperature=0.85, top_p=0.9, top_k=0,
    )  # fmt: skip
    sampler = _node(
        "KSampler", model=["7", 0], positive=["4", 0], negative=["5", 0], latent_image=["6", 0], seed=7,
        steps=8, cfg=1.0, sampler_name="euler", scheduler="simple", denoise=1.0,
    )  # fmt: skip
    workflow = {
        "1": _node("UNETLoader", unet_name="ace15.safetensors", weight_dtype="default"),
        "2": _node("DualCLIPLoader", clip_name1="qwen_0.6b.safetensors", clip_name2="qwen_1.7b.safetensors",
                   type="ace"),
        "3": _node("VAELoader", vae_name="ace15_vae.safetensors"),
        "4": text,
        "5": _node("ConditioningZeroOut", conditioning=["4", 0]),
        "6": _node("EmptyAceStep1.5LatentAudio", seconds=30.0, batch_size=1),
        "7": _node("ModelSamplingAuraFlow", model=["1", 0], shift=3.0),
        "8": sampler,
        "9": _node("VAEDecodeAudio", samples=["8", 0], vae=["3", 0]),
        "10": _node("SaveAudioMP3", audio=["9", 0], filename_prefix="audio/song", quality="V0"),
    }  # fmt: skip
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"])
    messages = ws.texts(answer["prompt_id"])
    assert [m["data"]["value"] for m in messages if m["type"] == "progress"] == list(range(1, 9))
    executed = next(m for m in messages if m["type"] == "executed")
    assert executed["data"]["output"]["audio"][0]["filename"] == "song_00001_.mp3"


async def test_truncate_outputs_cuts_the_next_view_answers_in_half(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    output = fake_comfy.store.directory("output")
    assert output is not None
    whole = bytes(range(256)) * 64
    (output / "cut.png").write_bytes(whole)
    view = fake_comfy.url + "/view?filename=cut.png&type=output"
    fake_comfy.config.truncate_outputs = 2
    fake_comfy.config.truncated_length = "short"
    async with http.get(view) as response:
        assert response.content_length == len(whole) // 2
        assert await response.read() == whole[: len(whole) // 2]
    fake_comfy.config.truncated_length = "full"
    async with http.get(view) as response:
        assert response.content_length == len(whole)
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
    async with http.get(view) as response:
        assert await response.read() == whole
    assert fake_comfy.config.truncate_outputs == 0
