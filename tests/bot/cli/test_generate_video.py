"""`generate video "..." [--image path]`: a video through the queue and ComfyUI from a terminal (issue 15)."""

from __future__ import annotations

from pathlib import Path

from core.media.probe import probe_video
from tests.bot.cli.test_generate import FAST, run_in_process, settings_for
from tests.core.kinds.workflows import first_frame
from tests.fakes.comfyui import FakeComfyUI, media
from tests.fixtures.comfyui import FakeComfyFactory


async def test_a_video_from_a_prompt_is_printed_as_an_mp4_that_plays_inline(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    argv = ["generate", "video", "waves at dusk", "--seconds", "3", "--aspect-ratio", "9:16"]
    code, out, err = await run_in_process(settings_for(database_url, fake.url, tmp_path / "data"), argv)

    assert code == 0, err
    [path] = [Path(line) for line in out.splitlines()]
    assert path.suffix == ".mp4"
    facts = probe_video(path)
    assert facts is not None
    assert facts.plays_inline
    [prompt] = fake.prompts_received
    latent = prompt["prompt"]["55"]["inputs"]
    assert (latent["length"], latent["width"], latent["height"]) == (73, 704, 1280)


async def test_a_picture_given_is_uploaded_and_becomes_the_first_frame(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    picture = tmp_path / "cat.png"
    picture.write_bytes(media.png(64, 48, 0x3366CC))
    argv = ["generate", "video", "the cat wakes up", "--image", str(picture)]
    code, _, err = await run_in_process(settings_for(database_url, fake.url, tmp_path / "data"), argv)

    assert code == 0, err
    [upload] = fake.uploads
    assert upload.path.read_bytes() == picture.read_bytes()
    [prompt] = fake.prompts_received
    graph = prompt["prompt"]
    _, loader = first_frame(graph, "55")
    assert loader["inputs"]["image"] == f"{upload.subfolder}/{upload.name}"


async def test_seconds_out_of_range_are_refused_before_anything_is_queued(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    argv = ["generate", "video", "too long", "--seconds", "30"]
    code, out, err = await run_in_process(settings_for(database_url, fake.url, tmp_path / "data"), argv)

    assert code == 2
    assert out == ""
    assert "videos are 1 to 10 seconds long, not 30" in err
    assert fake.prompts_received == []
