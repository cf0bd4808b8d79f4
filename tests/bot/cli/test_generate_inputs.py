"""`generate image --image` and `generate song --audio`: a file from disk as the job's input (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.bot.cli.test_generate import FAST, run_in_process, settings_for
from tests.e2e.media_support import inpainting_workflow, sha256
from tests.fakes.comfyui import FakeComfyUI, FakeConfig, media
from tests.fixtures.comfyui import FakeComfyFactory

LYRICS = "[verse]\nthe fox runs red\n[chorus]\noh fox"


async def test_a_song_cover_uploads_the_song_given_and_prints_the_new_one(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    song = tmp_path / "my song.wav"
    song.write_bytes(media.wav(1.0, 2))
    argv = [
        "generate",
        "song",
        "--lyrics",
        LYRICS,
        "--genre",
        "rock",
        "--audio",
        str(song),
        "--strength",
        "0.6",
    ]
    code, out, err = await run_in_process(settings_for(database_url, fake.url, tmp_path / "data"), argv)

    assert code == 0, err
    [path] = [Path(line) for line in out.splitlines()]
    assert path.is_file()
    [upload] = fake.uploads
    assert upload.path.read_bytes() == song.read_bytes()
    [prompt] = fake.prompts_received
    loaders = [node for node in prompt["prompt"].values() if node["class_type"] == "LoadAudio"]
    assert [node["inputs"]["audio"] for node in loaders] == [f"{upload.subfolder}/{upload.name}"]
    samplers = [node for node in prompt["prompt"].values() if "denoise" in node["inputs"]]
    assert samplers
    assert all(node["inputs"]["denoise"] == pytest.approx(0.6) for node in samplers)


async def test_image_to_image_from_a_file_uploads_the_picture_given(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    picture = tmp_path / "fox.png"
    picture.write_bytes(media.png(64, 48, 0xAA5500))
    argv = ["generate", "image", "a red fox", "--image", str(picture), "--strength", "0.4"]
    code, out, err = await run_in_process(settings_for(database_url, fake.url, tmp_path / "data"), argv)

    assert code == 0, err
    assert len(out.splitlines()) == 1
    [upload] = fake.uploads
    assert upload.path.read_bytes() == picture.read_bytes()
    [prompt] = fake.prompts_received
    loaders = [node for node in prompt["prompt"].values() if node["class_type"] == "LoadImage"]
    assert [node["inputs"]["image"] for node in loaders] == [f"{upload.subfolder}/{upload.name}"]
    samplers = [node for node in prompt["prompt"].values() if node["class_type"] == "KSampler"]
    assert [node["inputs"]["denoise"] for node in samplers] == [pytest.approx(0.4)]


@pytest.mark.parametrize(
    ("kind", "file_name", "content", "said"),
    [
        (
            "image",
            "notes.png",
            b"just some notes, not a picture\n" * 4,
            "I couldn't read that file as a picture",
        ),
        ("image", "song.wav", None, "That file is a sound file, but this needs a picture."),
        (
            "song",
            "fox.png",
            media.png(8, 8, 0x123456),
            "That file is a picture, but this needs a sound file.",
        ),
        ("image", "nowhere.png", b"", "Cannot read"),
        ("image", "huge.png", b"\x89PNG" + bytes(4096), "That file is too large"),
    ],
    ids=["not-a-picture", "audio-for-image", "picture-for-song", "missing", "over-the-cap"],
)
async def test_a_file_the_bot_would_refuse_is_said_with_its_path_before_anything_is_queued(
    database_url: str,
    fake_comfy: FakeComfyUI,
    tmp_path: Path,
    kind: str,
    file_name: str,
    content: bytes | None,
    said: str,
) -> None:
    path = tmp_path / file_name
    if file_name != "nowhere.png":
        path.write_bytes(media.wav(0.02, 1) if content is None else content)
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        comfyui_urls=fake_comfy.url,
        data_dir=tmp_path / "data",
        input_max_bytes=4000,
    )
    option = ["--image", str(path)] if kind == "image" else ["--lyrics", LYRICS, "--audio", str(path)]
    argv = ["generate", kind, *(["a red fox"] if kind == "image" else []), *option]
    code, out, err = await run_in_process(settings, argv)

    assert code == 2
    assert out == ""
    assert said in err
    assert " 0 MB" not in err  # sizes under a megabyte are said in KB
    assert str(path) in err
    assert "Traceback" not in err
    assert fake_comfy.uploads == []
    assert fake_comfy.prompts_received == []
    assert not (tmp_path / "data" / "inputs").exists()


async def test_a_mask_goes_to_the_inpainting_workflows_mask_loader_and_nowhere_else(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(
        FakeConfig(default_steps=4, previews=False, extra_node_classes={"SetLatentNoiseMask"})
    )
    picture, mask = tmp_path / "fox.png", tmp_path / "hat.png"
    picture.write_bytes(media.png(64, 48, 0xAA5500))
    mask.write_bytes(media.png(64, 48, 0xFFFFFF))
    settings = settings_for(database_url, fake.url, tmp_path / "data")
    settings.workflows_dir = inpainting_workflow(tmp_path / "workflows")
    files = ["--image", str(picture), "--mask", str(mask)]
    code, out, err = await run_in_process(
        settings, ["generate", "image", "a hat", *files, "--workflow", "inpaint"]
    )
    refused, _, said = await run_in_process(settings, ["generate", "image", "a hat", *files])

    assert code == 0, err
    assert len(out.splitlines()) == 1
    [prompt] = fake.prompts_received
    uploaded = {upload.sha256: f"{upload.subfolder}/{upload.name}" for upload in fake.uploads}
    assert prompt["prompt"]["21"]["inputs"]["image"] == uploaded[sha256(mask.read_bytes())]
    assert prompt["prompt"]["20"]["inputs"]["image"] == uploaded[sha256(picture.read_bytes())]
    assert (refused, len(fake.uploads)) == (1, 2)  # refused when submitted: nothing more uploaded
    assert "The workflow 'txt2img' doesn't take a mask image." in said
