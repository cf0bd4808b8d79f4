"""/object_info of the nodes the edit, upscale and image-to-image workflows use, recorded from a real ComfyUI
0.3.64 with model lists masked. UpscaleModelLoader and ImageUpscaleWithModel are not among them: the server
they were recorded from lacks the spandrel package they need (the fake follows nodes_upscale_model.py).

Record again with `python -m tests.contract._media_node_specs http://127.0.0.1:8188`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from tests.contract._traces import DATA

TRACE = DATA / "traces" / "media_nodes_object_info.json"
MEDIA_NODES = [
    "ImageScale", "ImageScaleToTotalPixels", "RepeatLatentBatch", "CLIPLoader", "CFGNorm",
    "TextEncodeQwenImageEdit", "FluxGuidance", "FluxKontextImageScale", "ReferenceLatent",
]  # fmt: skip
MODEL_LISTS = {"CLIPLoader": "clip_name"}


async def specs(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """Each node's spec; a model list (whatever the server's folders hold today) becomes ["<models>"]."""
    found: dict[str, Any] = {}
    for name in MEDIA_NODES:
        async with http.get(f"{url}/object_info/{name}") as response:
            spec = (await response.json())[name]
        if name in MODEL_LISTS:
            spec["input"]["required"][MODEL_LISTS[name]][0] = ["<models>"]
        found[name] = spec
    return found


async def _record(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        found = await specs(http, url)
    TRACE.write_text(json.dumps({"server": url, "comfyui": "0.3.64", "specs": found}, indent=1) + "\n")


if __name__ == "__main__":
    asyncio.run(_record(sys.argv[1].rstrip("/")))
