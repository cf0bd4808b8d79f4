"""GET /view with the real path rules (PROTOCOL.md section 8); uploads are in uploads.py."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from aiohttp import web
from PIL import Image

from .outputs import FileStore

if TYPE_CHECKING:
    from .routes import Handler
    from .server import FakeComfyUI

CONTENT_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
    ".gif": "image/gif", ".flac": "audio/flac", ".mp3": "audio/mpeg", ".opus": "audio/ogg",
    ".ogg": "audio/ogg", ".wav": "audio/x-wav", ".mp4": "video/mp4", ".webm": "video/webm",
    ".json": "application/json", ".txt": "text/plain",
}  # fmt: skip


def _annotated(name: str) -> tuple[str, str | None]:
    """`name [output]` style annotations pick the directory type."""
    for kind in ("output", "input", "temp"):
        suffix = f" [{kind}]"
        if name.endswith(suffix):
            return name[: -len(suffix)], kind
    return name, None


def _inside(base: str, candidate: str) -> bool:
    return os.path.commonpath((os.path.abspath(candidate), base)) == base


def _reencode(path: str, preview: str, channel: str | None) -> tuple[bytes, str]:
    with Image.open(path) as img:
        if preview:
            fmt, _, quality = preview.partition(";")
            fmt = fmt if fmt in ("webp", "jpeg") else "webp"
            buf = io.BytesIO()
            img.convert("RGB").save(buf, format=fmt.upper(), quality=int(quality or 90))
            return buf.getvalue(), f"image/{fmt}"
        converted = img.convert("RGBA")
        out = converted.convert("RGB") if channel == "rgb" else converted.getchannel("A")
        buf = io.BytesIO()
        out.save(buf, format="PNG")
        return buf.getvalue(), "image/png"


def _locate(store: FileStore, query: Mapping[str, str]) -> int | str:
    """The file a /view query names, or the HTTP status the real server answers instead."""
    if "filename" not in query:
        return 404
    filename, kind = _annotated(query["filename"])
    if not filename or filename[0] == "/" or ".." in filename:
        return 400
    directory = store.directory(kind or query.get("type", "output"))
    if directory is None:
        return 400
    base = str(directory.resolve())
    folder = base
    if "subfolder" in query:
        folder = os.path.join(base, query["subfolder"])
        if not _inside(base, folder):
            return 403
    path = os.path.join(folder, os.path.basename(filename))
    return path if os.path.isfile(path) else 404


async def _truncated(
    request: web.Request, path: str, headers: dict[str, str], length: str
) -> web.StreamResponse:
    """Half of the file: under a Content-Length that matches it, or under the whole file's, the connection
    then dropped as a broken link would."""
    data = await asyncio.to_thread(_read, path)
    half = data[: len(data) // 2]
    if length == "short":
        return web.Response(body=half, headers=headers)
    response = web.StreamResponse(headers=headers)
    response.content_length = len(data)
    await response.prepare(request)
    await response.write(half)
    transport = request.transport
    if transport is not None:
        transport.close()
    return response


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def view_handler(server: FakeComfyUI) -> Handler:
    async def view(request: web.Request) -> web.StreamResponse:
        query = request.query
        located = await asyncio.to_thread(_locate, server.store, query)
        if isinstance(located, int):
            return web.Response(status=located)
        name = os.path.basename(located)
        preview = query.get("preview", "")
        channel = query.get("channel")
        is_image = os.path.splitext(name)[1].lower() in (".png", ".jpg", ".jpeg", ".webp")
        if is_image and (preview or channel in ("rgb", "a")):
            data, content_type = await asyncio.to_thread(_reencode, located, preview, channel)
            disposition = {"Content-Disposition": f'filename="{name}"'}
            return web.Response(body=data, content_type=content_type, headers=disposition)
        content_type = CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
        headers = {"Content-Disposition": f'filename="{name}"', "Content-Type": content_type}
        if server.config.truncate_outputs > 0 and query.get("type", "output") in ("output", "temp"):
            server.config.truncate_outputs -= 1
            return await _truncated(request, located, headers, server.config.truncated_length)
        return web.FileResponse(located, headers=headers)

    return view
