"""Outpainting as ComfyUI 0.3.64 does it: ImagePadForOutpaint grows an uploaded picture, VAEEncodeForInpaint
encodes it with the padding as its mask, and the sampled picture has the padded size cropped to whole latent
cells.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set (the sampling
tests on the random SD1.5 checkpoint, small and short).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from PIL import Image

from comfy.client import ComfyClient
from tests.contract._traces import load_workflow
from tests.contract.conftest import RANDOM_SD15, Target
from tests.contract.test_input_loaders_contract import download, job_folder
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract
COLOUR = 0x336699
PADDING = {"left": 8, "top": 0, "right": 8, "bottom": 16}
# The sides' INT inputs step by 8, a hint for the UI only: the server takes any padding within min and max.
ODD_PADDING = {"left": 3, "top": 5, "right": 0, "bottom": 1}


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"outpaint-{uuid.uuid4().hex[:8]}") as started:
        yield started


def padded(reference: str, size: tuple[int, int], padding: dict[str, int] = PADDING) -> dict[str, Any]:
    """The uploaded picture scaled to `size` ("11") and padded for outpainting ("12": IMAGE, MASK)."""
    width, height = size
    return {
        "10": {"class_type": "LoadImage", "inputs": {"image": reference}},
        "11": {"class_type": "ImageScale",
               "inputs": {"image": ["10", 0], "upscale_method": "nearest-exact", "width": width,
                          "height": height, "crop": "disabled"}},
        "12": {"class_type": "ImagePadForOutpaint",
               "inputs": {"image": ["11", 0], **padding, "feathering": 40}},
    }  # fmt: skip


def outpaint_graph(reference: str, size: tuple[int, int], encoder: str) -> dict[str, Any]:
    """The recorded SD1.5 txt2img graph sampling the padded picture, encoded by `encoder`, instead of an
    empty latent; VAEEncodeForInpaint also takes the padding's mask."""
    graph = load_workflow("sd15_txt2img_random_ckpt_64px")
    del graph["5"]
    graph.update(padded(reference, size))
    inputs: dict[str, Any] = {"pixels": ["12", 0], "vae": ["4", 2]}
    if encoder == "VAEEncodeForInpaint":
        inputs.update(mask=["12", 1], grow_mask_by=6)
    graph["13"] = {"class_type": encoder, "inputs": inputs}
    graph["3"]["inputs"].update(latent_image=["13", 0], denoise=1.0, steps=3, seed=uuid.uuid4().int % 2**32)
    graph["9"]["inputs"]["filename_prefix"] = "contract/outpaint"
    return graph


async def upload_picture(client: ComfyClient) -> str:
    uploaded = await client.upload("source.png", media.png(24, 16, COLOUR), subfolder=job_folder())
    return uploaded.reference


@pytest.mark.parametrize("padding", [PADDING, ODD_PADDING], ids=["steps-of-8", "odd"])
async def test_padding_for_outpaint_grows_the_picture_by_each_side(
    client: ComfyClient, padding: dict[str, int]
) -> None:
    graph = padded(await upload_picture(client), (48, 40), padding)
    graph["9"] = {
        "class_type": "SaveImage",
        "inputs": {"images": ["12", 0], "filename_prefix": "contract/pad"},
    }

    saved = await download(client, graph)

    with Image.open(io.BytesIO(saved)) as picture:
        width = 48 + padding["left"] + padding["right"]
        height = 40 + padding["top"] + padding["bottom"]
        assert picture.size == (width, height)
        # Inside the scaled picture, away from the padding: its own colour (the padding is grey).
        inside = (padding["left"] + 24, padding["top"] + 20)
        assert picture.convert("RGB").getpixel(inside) == (0x33, 0x66, 0x99)


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_an_outpainted_picture_has_the_padded_size(client: ComfyClient) -> None:
    graph = outpaint_graph(await upload_picture(client), (48, 40), "VAEEncodeForInpaint")

    saved = await download(client, graph)

    with Image.open(io.BytesIO(saved)) as picture:
        assert picture.size == (64, 56)


@pytest.mark.checkpoint(RANDOM_SD15)
@pytest.mark.parametrize("encoder", ["VAEEncodeForInpaint", "VAEEncode"])
async def test_encoding_crops_each_side_to_whole_latent_cells(client: ComfyClient, encoder: str) -> None:
    graph = outpaint_graph(await upload_picture(client), (45, 37), encoder)

    saved = await download(client, graph)

    with Image.open(io.BytesIO(saved)) as picture:
        # Padded to 61x53; each side rounds down to a multiple of 8 (the SD VAE's 8x8 pixels per cell).
        assert picture.size == (56, 48)
