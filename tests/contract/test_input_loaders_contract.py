"""The client's upload feeding LoadImage / LoadAudio, and what the loaders do with a bad or missing file.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set. Every job
uploads into a subfolder of its own (the caller's choice the client leaves open), so runs never collide.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from PIL import Image

from comfy import errors
from comfy.client import ComfyClient
from tests.contract._traces import load_workflow
from tests.contract.conftest import RANDOM_SD15, Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"inputs-{uuid.uuid4().hex[:8]}") as started:
        yield started


def job_folder() -> str:
    return f"job-{uuid.uuid4().hex[:12]}"


def scale_graph(reference: str, factor: float) -> dict[str, Any]:
    return {
        "1": {"class_type": "LoadImage", "inputs": {"image": reference}},
        "2": {"class_type": "ImageScaleBy",
              "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact", "scale_by": factor}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "contract/x2"}},
    }  # fmt: skip


def mp3_graph(reference: str) -> dict[str, Any]:
    return {
        "1": {"class_type": "LoadAudio", "inputs": {"audio": reference}},
        "2": {"class_type": "SaveAudioMP3",
              "inputs": {"audio": ["1", 0], "filename_prefix": "contract/cover", "quality": "128k"}},
    }  # fmt: skip


async def download(client: ComfyClient, graph: dict[str, Any]) -> bytes:
    run = await client.submit(graph, f"inputs-{uuid.uuid4().hex}")
    completed = await run.result(JOB_TIMEOUT_S)
    [output] = completed.files
    async with client.http.view(output) as answer:
        return b"".join([chunk async for chunk in answer.chunks])


async def test_an_uploaded_png_is_loaded_scaled_and_saved(client: ComfyClient) -> None:
    uploaded = await client.upload("source.png", media.png(24, 16, 0x336699), subfolder=job_folder())

    saved = await download(client, scale_graph(uploaded.reference, 2.0))

    with Image.open(io.BytesIO(saved)) as picture:
        assert picture.size == (48, 32)
        assert picture.convert("RGB").getpixel((5, 5)) == (0x33, 0x66, 0x99)


@pytest.mark.parametrize(
    ("name", "data"),
    [("source.wav", media.wav(0.5, 2)), ("source.mp3", media.encoded_audio("mp3", 1, 0.5))],
    ids=["wav", "mp3"],
)
async def test_an_uploaded_song_is_loaded_and_saved_as_mp3(
    client: ComfyClient, name: str, data: bytes
) -> None:
    uploaded = await client.upload(name, data, subfolder=job_folder())

    saved = await download(client, mp3_graph(uploaded.reference))

    assert saved.startswith(b"ID3")


async def test_a_file_renamed_by_the_server_is_loaded_under_its_new_name(client: ComfyClient) -> None:
    folder = job_folder()
    await client.upload("source.png", media.png(8, 8, 0xFF0000), subfolder=folder)

    renamed = await client.upload("source.png", media.png(10, 4, 0x00FF00), subfolder=folder)
    saved = await download(client, scale_graph(renamed.reference, 1.0))

    assert renamed.name == "source (1).png"
    with Image.open(io.BytesIO(saved)) as picture:
        assert picture.size == (10, 4)


def img2img_graph(reference: str, denoise: float) -> dict[str, Any]:
    """The recorded SD1.5 txt2img graph with its empty latent replaced by the uploaded picture, encoded."""
    graph = load_workflow("sd15_txt2img_random_ckpt_64px")
    del graph["5"]
    graph["10"] = {"class_type": "LoadImage", "inputs": {"image": reference}}
    graph["11"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}}
    graph["3"]["inputs"].update(latent_image=["11", 0], denoise=denoise, steps=2)
    graph["9"]["inputs"]["filename_prefix"] = "contract/img2img"
    return graph


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_image_to_image_samples_from_the_uploaded_picture(client: ComfyClient) -> None:
    uploaded = await client.upload("source.png", media.png(64, 48, 0x808080), subfolder=job_folder())

    saved = await download(client, img2img_graph(uploaded.reference, denoise=0.6))

    with Image.open(io.BytesIO(saved)) as picture:
        assert picture.size == (64, 48)


async def test_a_missing_input_fails_validation_of_the_loader(client: ComfyClient) -> None:
    with pytest.raises(errors.PromptRejected) as refused:
        await client.submit(scale_graph(f"{job_folder()}/nowhere.png", 1.0), f"inputs-{uuid.uuid4().hex}")

    [problem] = refused.value.problems
    assert (problem.node_id, problem.class_type, problem.input_name) == ("1", "LoadImage", "image")
    assert "Invalid image file" in problem.reason


async def test_a_png_that_is_not_a_picture_fails_in_load_image(client: ComfyClient) -> None:
    uploaded = await client.upload("fake.png", b"this is not a picture", subfolder=job_folder())
    run = await client.submit(scale_graph(uploaded.reference, 1.0), f"inputs-{uuid.uuid4().hex}")

    with pytest.raises(errors.ExecutionFailed) as failed:
        await run.result(JOB_TIMEOUT_S)

    assert (failed.value.node_type, failed.value.exception_type) == (
        "LoadImage",
        "PIL.UnidentifiedImageError",
    )
    assert failed.value.exception_message.startswith("cannot identify image file")


async def test_an_mp3_that_is_not_audio_fails_in_load_audio(client: ComfyClient) -> None:
    uploaded = await client.upload("fake.mp3", b"not a song at all " * 20, subfolder=job_folder())
    run = await client.submit(mp3_graph(uploaded.reference), f"inputs-{uuid.uuid4().hex}")

    with pytest.raises(errors.ExecutionFailed) as failed:
        await run.result(JOB_TIMEOUT_S)

    assert (failed.value.node_type, failed.value.exception_type) == ("LoadAudio", "av.error.InvalidDataError")
    assert "Invalid data found when processing input" in failed.value.exception_message
