"""The bot's own media workflows, bound as a job binds them, run on ComfyUI: the model-free upscale template,
and image-to-image derived from the built-in txt2img (on the random SD1.5 checkpoint, small and short).

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

import aiohttp
import pytest
from PIL import Image

from comfy.client import ComfyClient
from comfy.workflows.input_slots import marked_roles, resolve_input_markers
from comfy.workflows.template import WorkflowTemplate, make_template
from comfy.workflows.validation import find_problems
from core.kinds import ImageParams, UpscaleParams, default_kinds
from tests.contract._media_node_specs import TRACE, specs
from tests.contract.conftest import RANDOM_SD15, Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 600.0
KINDS = default_kinds()


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"media-{uuid.uuid4().hex[:8]}") as started:
        yield started


async def run_bound(client: ComfyClient, graph: dict[str, Any], picture: bytes) -> list[bytes]:
    """Upload the picture as the executor does, resolve the graph's marker with it, run, download."""
    uploaded = await client.upload("image.png", picture, subfolder=f"bot-job-{uuid.uuid4().hex[:12]}")
    posted = resolve_input_markers(graph, {"image": uploaded.reference})
    run = await client.submit(posted, f"media-{uuid.uuid4().hex}")
    completed = await run.result(JOB_TIMEOUT_S)
    files = []
    for output in completed.files:
        async with client.http.view(output) as answer:
            files.append(b"".join([chunk async for chunk in answer.chunks]))
    return files


def size_and_corner(data: bytes) -> tuple[tuple[int, int], tuple[int, int, int]]:
    with Image.open(io.BytesIO(data)) as picture:
        corner: tuple[int, int, int] = picture.convert("RGB").getpixel((2, 2))  # type: ignore[assignment]
        return picture.size, corner


async def test_the_model_free_upscale_template_doubles_the_picture(client: ComfyClient) -> None:
    template = KINDS.catalogue().get("upscale-basic")
    bound = KINDS.bind(
        template, UpscaleParams(factor=2, seed=1), inputs=["image"], filename_prefix="contract/up"
    )

    [saved] = await run_bound(client, bound.graph, media.png(24, 16, 0x336699))

    size, corner = size_and_corner(saved)
    assert size == (48, 32)
    assert corner == (0x33, 0x66, 0x99)


def tiny_txt2img(side: int = 64) -> WorkflowTemplate:
    """The built-in txt2img on the random SD1.5 checkpoint at 64x64 (or `side`) and 3 steps: runnable on a
    CPU."""
    graph = json.loads(resources.files("core.kinds.templates").joinpath("txt2img.json").read_text())
    graph["4"]["inputs"]["ckpt_name"] = RANDOM_SD15
    graph["5"]["inputs"].update(width=side, height=side)
    graph["3"]["inputs"]["steps"] = 3
    return make_template("txt2img-tiny", json.dumps(graph), source="contract", shapes=KINDS.shapes)


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_image_to_image_derived_from_the_builtin_txt2img_makes_the_pictures_asked(
    client: ComfyClient,
) -> None:
    template = tiny_txt2img()
    params = ImageParams(prompt="a grey wall", seed=7, count=2, strength=0.6, quality="standard")
    bound = KINDS.bind(template, params, inputs=["image"], filename_prefix="contract/img2img")
    classes = {node["class_type"] for node in bound.graph.values()}
    assert {"LoadImage", "ImageScale", "VAEEncode", "RepeatLatentBatch"} <= classes
    assert "EmptyLatentImage" not in classes
    assert marked_roles(bound.graph) == {"image"}

    # A wide picture: ImageScale crops its centre to the latent's square.
    saved = await run_bound(client, bound.graph, media.png(96, 48, 0x808080))

    assert [size_and_corner(data)[0] for data in saved] == [(64, 64), (64, 64)]


# Model files a test server need not hold: the edit and upscale models are gigabytes.
MODEL_FILE_INPUTS = {
    "unet_name",
    "clip_name",
    "clip_name1",
    "clip_name2",
    "vae_name",
    "model_name",
    "ckpt_name",
}
# comfy_extras/nodes_upscale_model.py needs the spandrel package, which a server may lack (the test one does).
OPTIONAL_CLASSES = {"UpscaleModelLoader", "ImageUpscaleWithModel"}


@pytest.mark.parametrize(
    "name", ["edit", "edit-kontext", "upscale", "upscale-basic", "txt2img", "song", "video", "video_i2v"]
)
async def test_builtin_templates_use_the_node_classes_inputs_and_types_comfyui_declares(
    http: aiohttp.ClientSession, comfy_target: Target, name: str
) -> None:
    async with http.get(f"{comfy_target.url}/object_info") as answer:
        object_info = await answer.json()
    template = KINDS.catalogue().get(name)

    problems = [
        problem
        for problem in find_problems(template.graph, object_info, name)
        if not (problem.input_name in MODEL_FILE_INPUTS and "is not available" in problem.message)
        and not (problem.class_type in OPTIONAL_CLASSES and problem.class_type not in object_info)
    ]

    assert problems == []


async def test_media_node_specs_match_the_recorded_ones(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = json.loads(TRACE.read_text())["specs"]

    assert await specs(http, comfy_target.url) == recorded
