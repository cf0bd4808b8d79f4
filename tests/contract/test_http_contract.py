"""/view, /upload/image, the origin check and the info endpoints answer like the real server.

These run against the fake, or a real ComfyUI when COMFYUI_CONTRACT_URL is set.
"""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.contract.conftest import Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract


@pytest.fixture
async def saved_name(comfy_target: Target, http: aiohttp.ClientSession) -> str:
    """Run the EmptyImage -> SaveImage(bot/imagine) workflow; the first file's name."""
    workflow = load_workflow("image_emptyimage_saveimage")
    workflow["1"]["inputs"]["color"] = uuid.uuid4().int % (1 << 24)
    ws = await Recorder.connect(http, comfy_target.url, "main-view")
    answer = await post_prompt(http, comfy_target.url, workflow, "main-view")
    await ws.wait_done(answer["prompt_id"])
    await ws.close()
    executed = next(m for m in ws.texts(answer["prompt_id"]) if m["type"] == "executed")
    return str(executed["data"]["output"]["images"][0]["filename"])


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"filename": "{name}", "subfolder": "bot", "type": "output"}, 200),
        ({"filename": "{name}", "subfolder": "bot"}, 200),
        ({"filename": "{name} [output]", "subfolder": "bot"}, 200),
        ({"filename": "{name}", "subfolder": "bot/../bot"}, 200),
        ({"filename": "bot/imagine_00001_.png"}, 404),
        ({"filename": "{name}", "subfolder": "nope"}, 404),
        ({"subfolder": "bot"}, 404),
        ({"filename": "../secret.txt"}, 400),
        ({"filename": "/etc/passwd"}, 400),
        ({"filename": "{name}", "subfolder": "bot", "type": "models"}, 400),
        ({"filename": "{name}", "subfolder": "../../../../etc"}, 403),
        ({"filename": "{name}", "subfolder": "/etc"}, 403),
        ({"filename": "{name}", "subfolder": ".."}, 403),
    ],
)
async def test_view_applies_the_real_path_rules(
    comfy_target: Target, saved_name: str, http: aiohttp.ClientSession, query: dict[str, str], status: int
) -> None:
    params = {key: value.format(name=saved_name) for key, value in query.items()}
    async with http.get(comfy_target.url + "/view", params=params) as response:
        assert response.status == status
        if status == 200:
            assert response.content_type == "image/png"
            assert response.headers["Content-Disposition"] == f'filename="{saved_name}"'
            assert (await response.read())[:4] == b"\x89PNG"


async def test_view_reencodes_previews_and_channels(
    comfy_target: Target, saved_name: str, http: aiohttp.ClientSession
) -> None:
    base = {"filename": saved_name, "subfolder": "bot"}
    async with http.get(comfy_target.url + "/view", params={**base, "preview": "webp;50"}) as response:
        assert (response.status, response.content_type) == (200, "image/webp")
        assert (await response.read())[8:12] == b"WEBP"
    async with http.get(comfy_target.url + "/view", params={**base, "channel": "rgb"}) as response:
        assert (response.status, response.content_type) == (200, "image/png")


async def _upload(
    http: aiohttp.ClientSession, url: str, name: str, data: bytes, **fields: str
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    form.add_field("image", data, filename=name)
    for key, value in fields.items():
        form.add_field(key, value)
    return await http.post(url + "/upload/image", data=form)


async def test_upload_dedupes_by_content_renames_on_conflict_and_feeds_load_audio(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = load_trace("upload_results")
    url = comfy_target.url
    name = f"contract-{uuid.uuid4().hex[:8]}.wav"
    renamed = name.replace(".wav", " (1).wav")
    stereo = media.wav(0.1, 2)
    for data, case, expected in (
        (stereo, "upload_tone_stereo.wav", name),
        (stereo, "upload_same_no_overwrite", name),
        (media.wav(0.1, 1), "upload_diff_no_overwrite", renamed),
    ):
        async with await _upload(http, url, name, data) as response:
            assert response.status == recorded[case]["status"]
            answer = await response.json()
        assert answer == {**recorded[case]["response"], "name": expected}
    info = await get_json(http, url + "/object_info/LoadAudio")
    assert {name, renamed} <= set(info["LoadAudio"]["input"]["required"]["audio"][0])
    async with await _upload(http, url, name, data=b"new", overwrite="true") as response:
        assert (await response.json())["name"] == name


def _raw_multipart(filename: str, subfolder: str | None) -> tuple[bytes, str]:
    """A hand-made body, because aiohttp's FormData percent-quotes a "/" in a filename."""
    boundary = "fakeboundary"
    disposition = "Content-Disposition: form-data; name="
    parts = [f'--{boundary}\r\n{disposition}"image"; filename="{filename}"\r\n\r\nx\r\n']
    if subfolder is not None:
        parts.append(f'--{boundary}\r\n{disposition}"subfolder"\r\n\r\n{subfolder}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(("name", "subfolder"), [("../evil.txt", None), ("fine.txt", "../..")])
async def test_upload_refuses_paths_outside_the_input_folder(
    comfy_target: Target, http: aiohttp.ClientSession, name: str, subfolder: str | None
) -> None:
    body, content_type = _raw_multipart(name, subfolder)
    headers = {"Content-Type": content_type}
    async with http.post(comfy_target.url + "/upload/image", data=body, headers=headers) as response:
        assert response.status == 400


async def test_upload_keeps_a_percent_quoted_name_like_the_recording(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = load_trace("upload_results")["upload_dotdot"]
    async with await _upload(http, comfy_target.url, "../evil.txt", b"x", overwrite="true") as response:
        assert response.status == recorded["status"]
        assert await response.text() == recorded["response"]


async def test_upload_without_image_field_is_400(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData()
    form.add_field("type", "input")
    async with http.post(comfy_target.url + "/upload/image", data=form) as response:
        assert response.status == 400


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        (None, 200),
        ("http://evil.example.com", 403),
        ("http://localhost:{port}", 403),
        ("http://127.0.0.1:{port}", 200),
    ],
)
async def test_origin_must_match_a_loopback_host(
    comfy_target: Target, http: aiohttp.ClientSession, origin: str | None, status: int
) -> None:
    port = comfy_target.url.rsplit(":", 1)[1]
    headers = {"Origin": origin.format(port=port)} if origin else {}
    async with http.get(comfy_target.url + "/system_stats", headers=headers) as response:
        assert response.status == status


async def test_info_endpoints_answer_in_the_real_shape(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    url = comfy_target.url
    stats = await get_json(http, url + "/api/system_stats")
    recorded = load_trace("system_stats")
    assert sorted(stats["system"]) == sorted(recorded["system"])
    assert sorted(stats["devices"][0]) == sorted(recorded["devices"][0])
    features = await get_json(http, url + "/features")
    assert features == {"supports_preview_metadata": True, "max_upload_size": 104857600}
    assert "checkpoints" in await get_json(http, url + "/models")
    assert isinstance(await get_json(http, url + "/models/checkpoints"), list)
    assert isinstance(await get_json(http, url + "/embeddings"), list)
    async with http.post(url + "/free", json={"unload_models": True, "free_memory": True}) as response:
        assert response.status == 200


def _input_config(case: str, node: str) -> Any:
    """An input spec exactly as a recorded 400 body quoted it."""
    errors = load_trace("post_prompt_errors")[case]["response"]["node_errors"][node]["errors"]
    return errors[0]["extra_info"]["input_config"]


async def test_object_info_specs_match_what_the_server_quotes_in_errors(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    url = comfy_target.url
    info = await get_json(http, url + "/object_info")
    workflow_classes = {
        node["class_type"] for name in ("canonical_txt2img_sd15_api", "canonical_ace_step_v1_t2a_song_api",
                                         "template_sdxl_simple_example_api", "image_savews_progress",
                                         "queue_blur_saveimage", "runtime_error_split_mono")
        for node in load_workflow(name).values()
    }  # fmt: skip
    assert workflow_classes <= set(info)
    checkpoints = await get_json(http, url + "/models/checkpoints")
    ckpt = info["CheckpointLoaderSimple"]
    assert ckpt["input"]["required"]["ckpt_name"] == [
        checkpoints,
        _input_config("checkpoint_not_in_list", "1")[1],
    ]
    assert (ckpt["output"], ckpt["input_order"]) == (["MODEL", "CLIP", "VAE"], {"required": ["ckpt_name"]})
    assert set(ckpt) >= {
        "input", "input_order", "output", "output_is_list", "output_name", "name", "display_name",
        "description", "python_module", "category", "output_node",
    }  # fmt: skip
    assert info["SaveImage"]["output_node"] is True
    assert info["SaveImage"]["input"]["required"]["images"] == _input_config("bad_link_length", "2")
    assert info["EmptyImage"]["input"]["required"]["width"] == _input_config("value_below_min", "1")
    assert len(info["KSampler"]["input"]["required"]["sampler_name"][0]) == 42  # "(list of length 42)"
    assert "TextEncodeAceStepAudio1.5" not in info
    single = await get_json(http, url + "/object_info/EmptyImage")
    assert single == {"EmptyImage": info["EmptyImage"]}
    assert await get_json(http, url + "/object_info/NoSuchNode") == {}


async def test_audio_files_have_the_real_magic_bytes(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    url = comfy_target.url
    async with await _upload(http, url, "tone_stereo.wav", media.wav(2.0, 2), overwrite="true") as response:
        assert response.status == 200
    ws = await Recorder.connect(http, url, "main-audio")
    expected = {"audio_SaveAudio": (b"fLaC", "audio/flac"), "audio_SaveAudioMP3_V0": (b"ID3", "audio/mpeg"),
                "audio_SaveAudioOpus_128k": (b"OggS", "audio/ogg")}  # fmt: skip
    for name, (magic, content_type) in expected.items():
        answer = await post_prompt(http, url, load_workflow(name), "main-audio")
        await ws.wait_done(answer["prompt_id"])
        executed = next(m for m in ws.texts(answer["prompt_id"]) if m["type"] == "executed")
        (saved,) = executed["data"]["output"]["audio"]
        async with http.get(url + "/view", params=saved) as response:
            assert response.content_type == content_type
            assert (await response.read()).startswith(magic)
