"""Small real media files for inspection tests, made on the spot (Pillow, PyAV) or forged byte by byte."""

from __future__ import annotations

import io
import struct
import zlib

import av
from PIL import Image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG whose header claims width x height RGB pixels; its pixel data is garbage, so anything that
    tried to decode it would fail as damaged instead of being refused for its size."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    garbage = zlib.compress(b"\x07" * 997)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", garbage)
        + png_chunk(b"IEND", b"")
    )


def mp4_clip(width: int = 32, height: int = 16, frames: int = 5) -> bytes:
    """A short silent MPEG-4 clip (black frames at 10 fps)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def avif(width: int = 64, height: int = 48, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "AVIF")
    return out.getvalue()


def heic() -> bytes:
    """A HEIF picture Pillow does not read: an AVIF's header with an iPhone photo's brands (HEIC, MIF1)."""
    picture = avif()
    assert picture[8:24] == b"avif\0\0\0\0avifmif1"
    return picture[:8] + b"heic\0\0\0\0mif1heic" + picture[24:]
