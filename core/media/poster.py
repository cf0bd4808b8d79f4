"""A poster frame: the picture shown for a video before it plays (its first frame, as a JPEG)."""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

POSTER_MAX_SIDE = 1280
POSTER_QUALITY = 85


def poster_jpeg(path: Path) -> bytes | None:
    """The first frame of a video or animation as JPEG bytes; None if none can be decoded. Blocking."""
    picture = _first_frame(path)
    if picture is None:
        return None
    picture.thumbnail((POSTER_MAX_SIDE, POSTER_MAX_SIDE))
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="JPEG", quality=POSTER_QUALITY, optimize=True)
    return buffer.getvalue()


def _first_frame(path: Path) -> Image.Image | None:
    try:
        with Image.open(path) as image:
            image.seek(0)
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError):
        pass  # a video file: PyAV decodes it
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                picture: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]  # unannotated in PyAV
                return picture
    except (av.FFmpegError, OSError, IndexError):
        return None
    return None
