"""The upload cases recorded from a real ComfyUI 0.3.64 into traces/upload_cases.json, and their replay.

`play` sends each case to a server and returns {case: {"status", "body"}} with the run's unique tag
replaced by "{tag}", so a recording and a replay compare as equal. Record again with
`python -m tests.contract._upload_cases http://127.0.0.1:8188` (it writes the trace file).
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import uuid
from typing import Any

import aiohttp
from PIL import Image

from tests.contract._traces import DATA

TRACE = DATA / "traces" / "upload_cases.json"


def _png(color: tuple[int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 6), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _cases(tag: str) -> list[tuple[str, str, dict[str, Any]]]:
    red, green, blue, veil = (
        _png((255, 0, 0, 255)),
        _png((0, 255, 0, 255)),
        _png((0, 0, 255, 255)),
        _png((0, 0, 0, 9)),
    )
    name = f"photo-{tag}.png"
    mask_of = json.dumps({"filename": name, "type": "input", "subfolder": ""})
    return [
        ("plain", "image", {"image": (name, red)}),
        ("same_content_same_name", "image", {"image": (name, red)}),
        ("other_content_renamed", "image", {"image": (name, green)}),
        ("overwrite", "image", {"image": (name, blue), "overwrite": "true"}),
        ("overwrite_1", "image", {"image": (name, red), "overwrite": "1"}),
        ("subfolder", "image", {"image": (name, red), "subfolder": f"job-{tag}"}),
        ("type_temp", "image", {"image": (name, red), "type": "temp"}),
        ("type_output", "image", {"image": (name, red), "type": "output", "subfolder": f"up-{tag}"}),
        ("type_bogus", "image", {"image": (name, red), "type": "bogus"}),
        ("no_image", "image", {"type": "input"}),
        ("image_as_text", "image", {"image": "hello"}),
        ("subfolder_dotdot", "image", {"image": (name, red), "subfolder": "../.."}),
        ("subfolder_absolute", "image", {"image": (name, red), "subfolder": "/etc"}),
        ("audio_any_type", "image", {"image": (f"tone-{tag}.wav", b"RIFF....WAVE")}),
        ("mask_onto_original", "mask", {"image": (f"masked-{tag}.png", veil), "original_ref": mask_of}),
        ("mask_no_original_ref", "mask", {"image": (f"masked2-{tag}.png", veil)}),
    ]  # fmt: skip


async def _send(http: aiohttp.ClientSession, url: str, route: str, fields: dict[str, Any]) -> dict[str, Any]:
    form = aiohttp.FormData()
    for key, value in fields.items():
        if isinstance(value, tuple):
            form.add_field(key, value[1], filename=value[0], content_type="application/octet-stream")
        else:
            form.add_field(key, value)
    async with http.post(f"{url}/upload/{route}", data=form) as response:
        text = await response.text()
        body = json.loads(text) if response.content_type == "application/json" else text
        return {"status": response.status, "body": body}


async def play(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    results = {case: await _send(http, url, route, fields) for case, route, fields in _cases(tag)}
    return json.loads(json.dumps(results).replace(tag, "{tag}"))  # type: ignore[no-any-return]


async def _record(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        results = await play(http, url)
    TRACE.write_text(json.dumps({"server": url, "comfyui": "0.3.64", "cases": results}, indent=1) + "\n")


if __name__ == "__main__":
    asyncio.run(_record(sys.argv[1].rstrip("/")))
