"""POST /upload/image and /upload/mask, and the loaders reading what was uploaded (issue 14).

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set; the real
server keeps its input folder between runs, so every test uploads under a name of its own.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import aiohttp
import pytest
from PIL import Image

from tests.contract.conftest import Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract
SERVER_ERROR = "500 Internal Server Error\n\nServer got itself in trouble"


def unique(stem: str, extension: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:10]}.{extension}"


def picture(color: tuple[int, int, int, int], size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


async def upload(
    http: aiohttp.ClientSession, url: str, fields: dict[str, Any], route: str = "image"
) -> tuple[int, Any]:
    """Post a multipart form; a (filename, bytes) value is sent as a file. Returns (status, JSON or text)."""
    form = aiohttp.FormData()
    for key, value in fields.items():
        if isinstance(value, tuple):
            form.add_field(key, value[1], filename=value[0], content_type="application/octet-stream")
        else:
            form.add_field(key, value)
    async with http.post(f"{url}/upload/{route}", data=form) as response:
        text = await response.text()
        if response.content_type == "application/json":
            return response.status, json.loads(text)
        return response.status, text


async def view_input(http: aiohttp.ClientSession, url: str, name: str, subfolder: str = "") -> bytes | None:
    params = {"filename": name, "subfolder": subfolder, "type": "input"}
    async with http.get(f"{url}/view", params=params) as response:
        return await response.read() if response.status == 200 else None


async def test_an_upload_is_kept_under_its_name_in_input(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    name = unique("photo", "png")
    data = picture((255, 0, 0, 255))

    status, answer = await upload(http, comfy_target.url, {"image": (name, data)})

    assert (status, answer) == (200, {"name": name, "subfolder": "", "type": "input"})
    assert await view_input(http, comfy_target.url, name) == data
    if comfy_target.fake is not None:
        record = comfy_target.fake.uploads[-1]
        assert (record.route, record.name, record.type, record.size, record.written) == (
            "image",
            name,
            "input",
            len(data),
            True,
        )
        assert record.path.read_bytes() == data


async def test_a_taken_name_is_kept_for_the_same_content_and_numbered_for_another(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    name = unique("photo", "png")
    stem = name.removesuffix(".png")
    first, second = picture((255, 0, 0, 255)), picture((0, 255, 0, 255))
    await upload(http, comfy_target.url, {"image": (name, first)})

    same = await upload(http, comfy_target.url, {"image": (name, first)})
    other = await upload(http, comfy_target.url, {"image": (name, second)})
    third = await upload(http, comfy_target.url, {"image": (name, picture((0, 0, 255, 255)))})

    assert same == (200, {"name": name, "subfolder": "", "type": "input"})
    assert other == (200, {"name": f"{stem} (1).png", "subfolder": "", "type": "input"})
    assert third == (200, {"name": f"{stem} (2).png", "subfolder": "", "type": "input"})
    assert await view_input(http, comfy_target.url, name) == first


async def test_overwrite_replaces_the_file_under_the_same_name(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    name = unique("photo", "png")
    await upload(http, comfy_target.url, {"image": (name, picture((255, 0, 0, 255)))})
    newer = picture((0, 0, 255, 255))

    answer = await upload(http, comfy_target.url, {"image": (name, newer), "overwrite": "true"})

    assert answer == (200, {"name": name, "subfolder": "", "type": "input"})
    assert await view_input(http, comfy_target.url, name) == newer


async def test_a_subfolder_is_created_and_echoed(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    name, folder = unique("photo", "png"), unique("job", "d")
    data = picture((9, 9, 9, 255))

    answer = await upload(http, comfy_target.url, {"image": (name, data), "subfolder": folder})

    assert answer == (200, {"name": name, "subfolder": folder, "type": "input"})
    assert await view_input(http, comfy_target.url, name, folder) == data


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "input"}, (400, "")),  # no file at all
        ({"image": "not a file"}, (500, SERVER_ERROR)),  # the handler reads image.file of a text field
        ({"image": ("x.png", b"x"), "type": "bogus"}, (500, SERVER_ERROR)),  # unknown folder type
        ({"image": ("x.png", b"x"), "subfolder": "../.."}, (400, "")),  # leaves the input folder
        ({"image": ("x.png", b"x"), "subfolder": "/etc"}, (400, "")),
    ],
    ids=["no-image", "text-image", "bogus-type", "subfolder-dotdot", "subfolder-absolute"],
)
async def test_refused_uploads_answer_like_the_real_server(
    comfy_target: Target, http: aiohttp.ClientSession, fields: dict[str, Any], expected: tuple[int, str]
) -> None:
    assert await upload(http, comfy_target.url, fields) == expected
    if comfy_target.fake is not None:
        assert comfy_target.fake.uploads == []


async def test_a_temp_upload_lands_in_temp(comfy_target: Target, http: aiohttp.ClientSession) -> None:
    name = unique("scratch", "png")

    answer = await upload(http, comfy_target.url, {"image": (name, picture((1, 2, 3, 255))), "type": "temp"})

    assert answer == (200, {"name": name, "subfolder": "", "type": "temp"})
    assert await view_input(http, comfy_target.url, name) is None  # not in input/


async def test_a_mask_takes_the_alpha_of_the_upload_onto_the_original(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    original = unique("photo", "png")
    await upload(http, comfy_target.url, {"image": (original, picture((200, 100, 50, 255)))})
    masked = unique("masked", "png")
    reference = json.dumps({"filename": original, "type": "input", "subfolder": ""})

    answer = await upload(
        http,
        comfy_target.url,
        {"image": (masked, picture((0, 0, 0, 40))), "original_ref": reference},
        route="mask",
    )

    assert answer == (200, {"name": masked, "subfolder": "", "type": "input"})
    stored = await view_input(http, comfy_target.url, masked)
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as result:
        assert result.mode == "RGBA"
        assert result.getpixel((0, 0)) == (200, 100, 50, 40)


async def test_a_mask_for_a_missing_original_answers_200_and_writes_nothing(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    masked = unique("masked", "png")
    reference = json.dumps({"filename": unique("nowhere", "png"), "type": "input"})

    answer = await upload(
        http,
        comfy_target.url,
        {"image": (masked, picture((0, 0, 0, 40))), "original_ref": reference},
        route="mask",
    )

    assert answer == (200, {"name": masked, "subfolder": "", "type": "input"})
    assert await view_input(http, comfy_target.url, masked) is None


async def test_an_upload_shows_up_in_load_audio_choices(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    name = unique("tone", "wav")
    await upload(http, comfy_target.url, {"image": (name, media.wav(0.5, 1))})

    async with http.get(f"{comfy_target.url}/object_info/LoadAudio") as response:
        info = await response.json()

    assert name in info["LoadAudio"]["input"]["required"]["audio"][0]
