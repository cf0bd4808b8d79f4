"""POST /upload/image and /upload/mask as ComfyUI 0.3.64's server.py answers them (PROTOCOL.md section 8).

Checked against the real server (tests/contract/test_upload_contract.py):
* fields `image` (the file), `type` (input|temp|output, default input), `subfolder`, `overwrite` (true|1);
  the answer is `{"name", "subfolder", "type"}` with `subfolder` echoed as sent.
* a taken name with the same content keeps its name (nothing written), a different content becomes
  `"name (1).ext"`, `"name (2).ext"`, ...; with overwrite the file is replaced.
* no `image`, an empty filename, or a path leaving the folder → 400 with an empty body; an unknown `type`,
  a text `image` field or a filename into a missing folder crash the real handler → 500.
* /upload/mask reads `original_ref` (JSON: filename, type, subfolder) and writes the original picture with
  the mask's alpha channel; a missing original writes nothing but still answers 200 with the name.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .outputs import DIRECTORY_TYPES, FileStore

if TYPE_CHECKING:
    from .routes import Handler
    from .server import FakeComfyUI

SERVER_ERROR = "500 Internal Server Error\n\nServer got itself in trouble"


@dataclass(frozen=True)
class UploadRecord:
    """One accepted upload, for tests: what arrived, under which name, and where it is on disk."""

    route: str  # "image" or "mask"
    sent_name: str
    name: str
    subfolder: str
    type: str
    path: Path
    size: int
    sha256: str
    written: bool  # False when the same content already sat under the name (or a mask had no original)


class _Crash(Exception):
    """Where the real handler raises and aiohttp answers its plain 500."""


SaveFunction = Callable[[bytes, Any, str], bool]


def _same_content(path: str, data: bytes) -> bool:
    with open(path, "rb") as existing:
        return hashlib.sha256(existing.read()).digest() == hashlib.sha256(data).digest()


def _free_name(folder: str, filename: str, data: bytes) -> tuple[str, bool]:
    """The name to write under, and whether identical content already sits there (then nothing is written)."""
    stem, ext = os.path.splitext(filename)
    path = os.path.join(folder, filename)
    index = 1
    while os.path.exists(path):
        if _same_content(path, data):
            return filename, True
        filename = f"{stem} ({index}){ext}"
        path = os.path.join(folder, filename)
        index += 1
    return filename, False


def _store(
    base: str, subfolder: str, filename: str, data: bytes, overwrite: bool, save: SaveFunction
) -> tuple[str, str, bool] | None:
    """(name, path, written) like the real image_upload, or None for its 400."""
    folder = os.path.join(base, os.path.normpath(subfolder))
    path = os.path.abspath(os.path.join(folder, filename))
    if os.path.commonpath((base, path)) != base:
        return None
    # Everything after the path check can raise in the real handler too, which aiohttp turns into its 500:
    # "sub/x.png" into a folder that does not exist, a name that is a folder ("x/.."), a NUL byte.
    try:
        os.makedirs(folder, exist_ok=True)
        duplicate = False
        if not overwrite:
            filename, duplicate = _free_name(folder, filename, data)
            # Normalised: a name such as "../x" joined to the folder must name the file it writes, as the
            # path checked above does (the real server writes to that same file).
            path = os.path.abspath(os.path.join(folder, filename))
        written = not duplicate and save(data, None, path)
    except (OSError, ValueError) as exc:
        raise _Crash(str(exc)) from exc
    return filename, path, written


def _write_plain(data: bytes, _post: Any, path: str) -> bool:
    with open(path, "wb") as out:
        out.write(data)
    return True


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def _accept(
    server: FakeComfyUI, request: web.Request, route: str, save: Callable[[Any], SaveFunction]
) -> web.Response:
    if not server.uploads_going.is_set():
        server.upload_waiting.set()
        await server.uploads_going.wait()
    post = await request.post()
    if server.config.upload_status is not None:
        return web.Response(status=server.config.upload_status, text=SERVER_ERROR)
    image = post.get("image")
    if not image:
        return web.Response(status=400)
    if not isinstance(image, web.FileField):
        return web.Response(status=500, text=SERVER_ERROR)  # `image.file` on a text field
    if not image.filename:
        return web.Response(status=400)
    kind = _text(post.get("type"))
    kind = "input" if kind is None else kind
    directory = server.store.directory(kind)
    if directory is None:
        return web.Response(status=500, text=SERVER_ERROR)  # the real get_dir_by_type leaves it unbound
    subfolder = _text(post.get("subfolder")) or ""
    overwrite = _text(post.get("overwrite")) in ("true", "1")
    data = image.file.read()
    base = str(directory.resolve())
    saver = save(post)
    try:
        stored = await asyncio.to_thread(_store, base, subfolder, image.filename, data, overwrite, saver)
    except _Crash:
        return web.Response(status=500, text=SERVER_ERROR)
    if stored is None:
        return web.Response(status=400)
    name, path, written = stored
    digest = hashlib.sha256(data).hexdigest()
    record = UploadRecord(
        route, image.filename, name, subfolder, kind, Path(path), len(data), digest, written
    )
    server.uploads.append(record)
    return web.json_response({"name": name, "subfolder": subfolder, "type": kind})


def upload_image_handler(server: FakeComfyUI) -> Handler:
    async def upload_image(request: web.Request) -> web.Response:
        return await _accept(server, request, "image", lambda _post: _write_plain)

    return upload_image


def _original_of(store: FileStore, reference: dict[str, Any]) -> Path | None:
    """The picture a mask belongs to, or None where the real save function silently writes nothing."""
    filename = str(reference["filename"])
    folder: Path | None = None
    for kind in DIRECTORY_TYPES:
        if filename.endswith(f"[{kind}]"):
            filename, folder = filename[: -len(kind) - 3], store.directory(kind)
            break
    if not filename or filename[0] == "/" or ".." in filename:
        return None
    if folder is None:
        folder = store.directory(str(reference.get("type", "output")))
    if folder is None:
        return None
    if reference.get("subfolder", ""):
        inner = folder / str(reference["subfolder"])
        if os.path.commonpath((str(inner.resolve()), str(folder.resolve()))) != str(folder.resolve()):
            return None
        folder = inner
    path = folder / filename
    return path if path.is_file() else None


def _mask_saver(store: FileStore, post: Any) -> SaveFunction:
    def save(data: bytes, _unused: Any, path: str) -> bool:
        try:
            reference = json.loads(post.get("original_ref"))
            original_path = _original_of(store, reference)
        except (TypeError, ValueError, KeyError) as exc:
            raise _Crash(str(exc)) from exc
        if original_path is None:
            return False
        with Image.open(original_path) as original, Image.open(io.BytesIO(data)) as mask:
            info = PngInfo()
            for key, value in getattr(original, "text", {}).items():
                info.add_text(key, value)
            picture = original.convert("RGBA")
            try:
                picture.putalpha(mask.convert("RGBA").getchannel("A"))
            except ValueError as exc:  # a mask of another size
                raise _Crash(str(exc)) from exc
            picture.save(path, format="PNG", compress_level=4, pnginfo=info)
        return True

    return save


def upload_mask_handler(server: FakeComfyUI) -> Handler:
    async def upload_mask(request: web.Request) -> web.Response:
        return await _accept(server, request, "mask", lambda post: _mask_saver(server.store, post))

    return upload_mask
