"""/object_info of the model and LoRA loaders, recorded from a real ComfyUI 0.3.64 with file lists masked.

The bot reads a backend's models and LoRAs from these combo lists (comfy.protocol.combo_choices), so the
fake must describe the loaders exactly as the real server does. Record again with
`python -m tests.contract._model_node_specs http://127.0.0.1:8190`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from tests.contract._traces import DATA

TRACE = DATA / "traces" / "model_loaders_object_info.json"
FILE_INPUTS = {
    "CheckpointLoaderSimple": "ckpt_name",
    "UNETLoader": "unet_name",
    "LoraLoader": "lora_name",
    "LoraLoaderModelOnly": "lora_name",
}


async def specs(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """Each loader's spec; its file list (whatever the model folder holds today) becomes ["<files>"]."""
    found: dict[str, Any] = {}
    for name, file_input in FILE_INPUTS.items():
        async with http.get(f"{url}/object_info/{name}") as response:
            spec = (await response.json())[name]
        spec["input"]["required"][file_input][0] = ["<files>"]
        found[name] = spec
    return found


async def _record(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        found = await specs(http, url)
    TRACE.write_text(json.dumps({"server": url, "comfyui": "0.3.64", "specs": found}, indent=1) + "\n")


if __name__ == "__main__":
    asyncio.run(_record(sys.argv[1]))
