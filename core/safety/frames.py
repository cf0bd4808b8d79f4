"""The pictures a classifier looks at in a file: an image itself, or a few frames spread over a video."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
from PIL import Image

# Larger pictures are scaled down first: the detector looks at 320 px anyway, and a huge one would cost
# its decoding and conversion for nothing.
MAX_SIDE = 1024


def _fitted(image: Image.Image) -> Image.Image:
    image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decoded at a fraction of its size when large
    picture = image.convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    return picture


def picture(data: bytes) -> Image.Image:
    """The (first frame of the) picture in ``data``; Pillow's errors pass through."""
    with Image.open(io.BytesIO(data)) as image:
        return _fitted(image)


def picture_file(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return _fitted(image)


def _seconds(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / av.time_base
    return None


def _image(frame: Any) -> Image.Image:
    return _fitted(frame.to_image())


def video_frames(path: Path, count: int) -> Iterator[Image.Image]:
    """``count`` frames at evenly spread times (the middle of each slice); fewer if the video is shorter."""
    with av.open(str(path)) as container:
        stream: Any = container.streams.video[0]
        length = _seconds(container, stream)
        if not length or stream.time_base is None:
            for frame in container.decode(stream):
                yield _image(frame)
                return
            return
        for index in range(count):
            at = length * (index + 0.5) / count
            container.seek(int(at / stream.time_base), stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.time is None or frame.time >= at - 1e-3:
                    yield _image(frame)
                    break
