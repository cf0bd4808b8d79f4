"""Small but real videos and animations: MP4 (H.264) and WebM (VP9) via PyAV, animated WebP/PNG via Pillow.

Frames are tinted noise that drifts from frame to frame, so a decoder sees motion and files weigh what
small real videos weigh; sizes are capped (see ``capped_size``) so a test never encodes 720p for seconds.
"""

from __future__ import annotations

import io
import random
from fractions import Fraction
from functools import lru_cache

from PIL import Image, ImageChops

from .media import rgb

# Every written video is at most this many frames and this many pixels on its long side, whatever the
# graph asked for (like the fake's 1-second audio): clients need a valid file, not a long one.
MAX_FRAMES = 12
MAX_SIDE = 160


def capped_size(width: int, height: int) -> tuple[int, int]:
    """The size written: the asked shape within MAX_SIDE, even sides (H.264 with yuv420p needs them)."""
    scale = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _frames(width: int, height: int, color: int, frames: int) -> list[Image.Image]:
    """Coloured noise drifting across the picture: detail and motion cost bytes, as in a real video."""
    noise = Image.frombytes("RGB", (width, height), random.Random(color).randbytes(width * height * 3))
    tinted = Image.blend(noise, Image.new("RGB", (width, height), rgb(color)), 0.5)
    return [ImageChops.offset(tinted, 3 * i, i) for i in range(frames)]


@lru_cache(maxsize=32)
def encoded_video(
    container_format: str, width: int, height: int, color: int, frames: int, fps: float
) -> bytes:
    """``mp4`` (H.264, what SaveVideo writes by default) or ``webm`` (VP9, SaveWEBM's default codec)."""
    import av  # imported lazily: only video tests pay for it

    codec = {"mp4": "libx264", "webm": "libvpx-vp9"}[container_format]
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_format) as container:
        stream = container.add_stream(codec, rate=Fraction(round(fps * 1000), 1000))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for image in _frames(width, height, color, min(frames, MAX_FRAMES)):
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


@lru_cache(maxsize=32)
def animation(image_format: str, width: int, height: int, color: int, frames: int, fps: float) -> bytes:
    """Animated ``WEBP`` or ``PNG`` (APNG), as SaveAnimatedWEBP / SaveAnimatedPNG write them with Pillow."""
    images = _frames(width, height, color, min(frames, MAX_FRAMES))
    buf = io.BytesIO()
    images[0].save(
        buf, format=image_format, save_all=True, append_images=images[1:], duration=int(1000.0 / fps), loop=0
    )
    return buf.getvalue()
