"""/object_info of the nodes that take inputs, recorded from a real ComfyUI 0.3.64 with file lists masked.

Record again with `python -m tests.contract._input_node_specs http://127.0.0.1:8188`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from tests.contract._traces import DATA

TRACE = DATA / "traces" / "input_nodes_object_info.json"
INPUT_NODES = [
    "LoadImage", "LoadImageMask", "LoadAudio", "ImageScaleBy", "VAEEncode", "VAEEncodeAudio",
    "ImagePadForOutpaint", "VAEEncodeForInpaint",
]  # fmt: skip
FILE_INPUTS = {"LoadImage": "image", "LoadImageMask": "image", "LoadAudio": "audio"}


async def specs(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """Each node's spec; a loader's file list (whatever input/ holds today) becomes ["<files>"]."""
    found: dict[str, Any] = {}
    for name in INPUT_NODES:
        async with http.get(f"{url}/object_info/{name}") as response:
            spec = (await response.json())[name]
        if name in FILE_INPUTS:
            spec["input"]["required"][FILE_INPUTS[name]][0] = ["<files>"]
        found[name] = spec
    return found


async def _record(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        found = await specs(http, url)
    TRACE.write_text(json.dumps({"server": url, "comfyui": "0.3.64", "specs": found}, indent=1) + "\n")


if __name__ == "__main__":
    asyncio.run(_record(sys.argv[1].rstrip("/")))
