"""/view, /upload/image, the origin check, /object_info and the info endpoints of the fake."""

from __future__ import annotations

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.fakes.comfyui import FakeComfyUI, media


@pytest.fixture
async def saved_image(fake_comfy: FakeComfyUI, http: aiohttp.ClientSession) -> FakeComfyUI:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, load_workflow("image_emptyimage_saveimage"), "main")
    await ws.wait_done(answer["prompt_id"])
    await ws.close()
    return fake_comfy


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"filename": "imagine_00001_.png", "subfolder": "bot", "type": "output"}, 200),
        ({"filename": "imagine_00001_.png", "subfolder": "bot"}, 200),
        ({"filename": "imagine_00001_.png [output]", "subfolder": "bot"}, 200),
        ({"filename": "imagine_00001_.png", "subfolder": "bot/../bot"}, 200),
        ({"filename": "bot/imagine_00001_.png"}, 404),
        ({"filename": "imagine_00001_.png", "subfolder": "nope"}, 404),
        ({"subfolder": "bot"}, 404),
        ({"filename": "../secret.txt"}, 400),
        ({"filename": "/etc/passwd"}, 400),
        ({"filename": "imagine_00001_.png", "subfolder": "bot", "type": "models"}, 400),
        ({"filename": "imagine_00001_.png", "subfolder": "../../../../etc"}, 403),
        ({"filename": "imagine_00001_.png", "subfolder": "/etc"}, 403),
        ({"filename": "imagine_00001_.png", "subfolder": ".."}, 403),
    ],
)
async def test_view_applies_the_real_path_rules(
    saved_image: FakeComfyUI, http: aiohttp.ClientSession, query: dict[str, str], status: int
) -> None:
    async with http.get(saved_image.url + "/view", params=query) as response:
        assert response.status == status
        if status == 200:
            assert response.content_type == "image/png"
            assert response.headers["Content-Disposition"] == 'filename="imagine_00001_.png"'
            assert (await response.read())[:4] == b"\x89PNG"


async def test_view_reencodes_previews_and_channels(
    saved_image: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    base = {"filename": "imagine_00001_.png", "subfolder": "bot"}
    async with http.get(saved_image.url + "/view", params={**base, "preview": "webp;50"}) as response:
        assert (response.status, response.content_type) == (200, "image/webp")
        assert (await response.read())[8:12] == b"WEBP"
    async with http.get(saved_image.url + "/view", params={**base, "channel": "rgb"}) as response:
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
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    recorded = load_trace("upload_results")
    url = fake_comfy.url
    stereo = media.wav(0.1, 2)
    for data, case in ((stereo, "upload_tone_stereo.wav"), (stereo, "upload_same_no_overwrite"),
                       (media.wav(0.1, 1), "upload_diff_no_overwrite")):  # fmt: skip
        async with await _upload(http, url, "tone_stereo.wav", data) as response:
            assert response.status == recorded[case]["status"]
            assert await response.json() == recorded[case]["response"]
    info = await get_json(http, url + "/object_info/LoadAudio")
    assert info["LoadAudio"]["input"]["required"]["audio"][0] == ["tone_stereo (1).wav", "tone_stereo.wav"]
    async with await _upload(http, url, "tone_stereo.wav", data=b"new", overwrite="true") as response:
        assert (await response.json())["name"] == "tone_stereo.wav"


def _raw_multipart(filename: str, subfolder: str | None) -> tuple[bytes, str]:
    """A hand-made body, because aiohttp's FormData percent-quotes a "/" in a filename."""
    boundary = "fakeboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n\r\nx\r\n'
    ]
    if subfolder is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="subfolder"\r\n\r\n{subfolder}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(("name", "subfolder"), [("../evil.txt", None), ("fine.txt", "../..")])
async def test_upload_refuses_paths_outside_the_input_folder(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession, name: str, subfolder: str | None
) -> None:
    body, content_type = _raw_multipart(name, subfolder)
    async with http.post(
        fake_comfy.url + "/upload/image", data=body, headers={"Content-Type": content_type}
    ) as r:
        assert r.status == 400


async def test_upload_keeps_a_percent_quoted_name_like_the_recording(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    recorded = load_trace("upload_results")["upload_dotdot"]
    async with await _upload(http, fake_comfy.url, "../evil.txt", b"x") as response:
        assert response.status == recorded["status"]
        assert await response.text() == recorded["response"]


async def test_upload_without_image_field_is_400(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("type", "input")
    async with http.post(fake_comfy.url + "/upload/image", data=form) as response:
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
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession, origin: str | None, status: int
) -> None:
    headers = {"Origin": origin.format(port=fake_comfy.port)} if origin else {}
    async with http.get(fake_comfy.url + "/system_stats", headers=headers) as response:
        assert response.status == status


async def test_info_endpoints_answer_in_the_real_shape(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    url = fake_comfy.url
    stats = await get_json(http, url + "/api/system_stats")
    recorded = load_trace("system_stats")
    assert sorted(stats["system"]) == sorted(recorded["system"])
    assert sorted(stats["devices"][0]) == sorted(recorded["devices"][0])
    assert stats["system"]["comfyui_version"] == "0.3.64"
    assert await get_json(http, url + "/features") == {
        "supports_preview_metadata": True,
        "max_upload_size": 104857600,
    }
    assert "checkpoints" in await get_json(http, url + "/models")
    assert (
        await get_json(http, url + "/models/checkpoints")
        == fake_comfy.config.models["CheckpointLoaderSimple.ckpt_name"]
    )
    assert await get_json(http, url + "/embeddings") == []
    async with http.post(url + "/free", json={"unload_models": True, "free_memory": True}) as response:
        assert response.status == 200


async def test_object_info_lists_every_workflow_class_with_real_looking_specs(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    info = await get_json(http, fake_comfy.url + "/object_info")
    ckpt = info["CheckpointLoaderSimple"]
    assert (
        ckpt["input"]["required"]["ckpt_name"][0]
        == fake_comfy.config.models["CheckpointLoaderSimple.ckpt_name"]
    )
    assert ckpt["output"] == ["MODEL", "CLIP", "VAE"]
    assert ckpt["input_order"] == {"required": ["ckpt_name"]}
    assert set(ckpt) >= {
        "input", "input_order", "output", "output_is_list", "output_name", "name", "display_name",
        "description", "python_module", "category", "output_node",
    }  # fmt: skip
    assert info["SaveImage"]["output_node"] is True
    assert info["EmptyImage"]["input"]["required"]["width"] == [
        "INT",
        {"default": 512, "min": 1, "max": 16384, "step": 1},
    ]
    assert len(info["KSampler"]["input"]["required"]["sampler_name"][0]) == 42
    assert "TextEncodeAceStepAudio1.5" not in info
    single = await get_json(http, fake_comfy.url + "/object_info/SaveAudioMP3")
    assert single["SaveAudioMP3"]["input"]["required"]["quality"] == [
        ["V0", "128k", "320k"],
        {"default": "V0"},
    ]
    assert await get_json(http, fake_comfy.url + "/object_info/NoSuchNode") == {}


async def test_node_classes_can_be_added_or_removed_at_runtime(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.extra_node_classes.add("TextEncodeAceStepAudio1.5")
    fake_comfy.config.missing_node_classes.add("SaveAudioMP3")
    info = await get_json(http, fake_comfy.url + "/object_info")
    assert "TextEncodeAceStepAudio1.5" in info
    assert "SaveAudioMP3" not in info
    async with http.post(
        fake_comfy.url + "/prompt", json={"prompt": load_workflow("audio_SaveAudioMP3_V0")}
    ) as r:
        assert r.status == 400
        assert (await r.json())["error"][
            "message"
        ] == "Cannot execute because node SaveAudioMP3 does not exist."


async def test_runtime_error_class_fails_with_an_execution_error(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.runtime_error_class = "VAEDecode"
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "main")
    await ws.wait_done(answer["prompt_id"])
    error = ws.texts(answer["prompt_id"])[-2]
    recorded = load_trace("runtime_error_execution_error")["history"]
    (recorded_entry,) = recorded.values()
    assert error["type"] == "execution_error"
    assert sorted(error["data"]) == sorted(recorded_entry["status"]["messages"][-1][1])
    assert (error["data"]["node_id"], error["data"]["node_type"]) == ("8", "VAEDecode")
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    assert (entry["status"]["status_str"], entry["status"]["completed"]) == ("error", False)


async def test_audio_files_have_the_real_magic_bytes(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("image", media.wav(0.2, 2), filename="tone_stereo.wav")
    async with http.post(fake_comfy.url + "/upload/image", data=form) as response:
        assert response.status == 200
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    expected = {"audio_SaveAudio": (b"fLaC", "audio/flac"), "audio_SaveAudioMP3_V0": (b"ID3", "audio/mpeg"),
                "audio_SaveAudioOpus_128k": (b"OggS", "audio/ogg")}  # fmt: skip
    for name, (magic, content_type) in expected.items():
        workflow = load_workflow(name)
        answer = await post_prompt(http, fake_comfy.url, workflow, "main")
        await ws.wait_done(answer["prompt_id"])
        (saved,) = ws.texts(answer["prompt_id"])[-4]["data"]["output"]["audio"]
        async with http.get(fake_comfy.url + "/view", params=saved) as response:
            assert response.content_type == content_type
            assert (await response.read()).startswith(magic)
