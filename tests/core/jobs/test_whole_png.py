"""A PNG fetched from ComfyUI is taken whole from its chunks alone: every cut, altered byte or extra tail is
refused, a PNG's size comes from its header, and bytes served as a PNG that are not one are refused."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from core.inputs.png_integrity import DamagedPng, check_png
from core.jobs.whole_outputs import checked_output
from core.jobs.whole_png import whole_png
from tests.core.inputs.media_samples import png_chunk
from tests.fakes.comfyui import media

IEND = png_chunk(b"IEND", b"")


@cache
def comfy_png(width: int = 300, height: int = 200) -> bytes:
    """A picture as ComfyUI's SaveImage writes one: Pillow, compress level 4, the prompt in a tEXt chunk,
    noise enough for its image data to span several IDAT chunks (Pillow writes them 64 KiB at most)."""
    pixels = random.Random(7).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "PNG", compress_level=4)
    return media.with_text_chunks(buffer.getvalue(), {"prompt": '{"3": {"class_type": "KSampler"}}'})


def chunk_offsets(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of every chunk, walked by hand."""
    found, position = [], 8
    while position < len(data):
        (length,) = struct.unpack_from(">I", data, position)
        found.append((data[position + 4 : position + 8], position, position + 12 + length))
        position += 12 + length
    return found


def test_a_whole_png_is_taken_with_its_size_and_checksum(tmp_path: Path) -> None:
    data = comfy_png(300, 200)
    assert [kind for kind, _, _ in chunk_offsets(data)].count(b"IDAT") > 1
    path = tmp_path / "ComfyUI_00001_.png"
    path.write_bytes(data)
    for held in (data, None):  # in memory, or read from the disk
        damage, facts = checked_output(path, "image/png", held)
        assert damage is None
        assert facts is not None
        assert (facts.width, facts.height) == (300, 200)
        assert facts.sha256 == hashlib.sha256(data).hexdigest()


def _cut_points(data: bytes) -> dict[str, int]:
    chunks = chunk_offsets(data)
    idats = [(start, end) for kind, start, end in chunks if kind == b"IDAT"]
    return {
        "inside the first IDAT": (idats[0][0] + idats[0][1]) // 2,
        "inside the last IDAT": (idats[-1][0] + idats[-1][1]) // 2,
        "in the last IDAT's CRC": idats[-1][1] - 2,
        "just before IEND": len(data) - 12,
        "inside IEND": len(data) - 6,
        "the last byte gone": len(data) - 1,
        "inside the header": 20,
        "after the signature": 8,
    }


@pytest.mark.parametrize("where", list(_cut_points(comfy_png())))
def test_a_png_cut_short_is_refused_with_the_reason(tmp_path: Path, where: str) -> None:
    data = comfy_png()
    cut = data[: _cut_points(data)[where]]
    path = tmp_path / "a.png"
    damage, facts = checked_output(path, "image/png", cut)
    assert facts is None
    assert damage is not None
    assert "is cut short" in damage or "ends before its IEND chunk" in damage


def test_a_png_cut_at_any_byte_is_refused() -> None:
    """The proof in core.jobs.whole_png: a cut copy never ends in the whole file's IEND, at whatever byte."""
    data = media.with_text_chunks(media.png(24, 16, 0x336699), {"prompt": "{}"})
    for keep in range(len(data)):
        with pytest.raises(DamagedPng):
            whole_png(data[:keep])
    assert whole_png(data).width == 24


@pytest.mark.parametrize("flip", [0x01, 0x80, 0xFF])
def test_a_byte_altered_in_the_image_data_fails_its_crc(flip: int) -> None:
    data = bytearray(comfy_png())
    _, start, end = next(chunk for chunk in chunk_offsets(bytes(data)) if chunk[0] == b"IDAT")
    data[(start + 8 + end - 4) // 2] ^= flip
    with pytest.raises(DamagedPng, match=r"chunk b'IDAT' fails its CRC"):
        whole_png(bytes(data))


@pytest.mark.parametrize("tail", [b"\x00", b"<html>", IEND])
def test_bytes_after_iend_are_refused(tail: bytes) -> None:
    data = comfy_png() + tail
    with pytest.raises(DamagedPng, match=f"^{len(tail)} bytes after its IEND chunk$"):
        whole_png(data)


@pytest.mark.parametrize(
    "served",
    [media.jpeg(64, 48, 0x336699), b"<html><body>502 Bad Gateway</body></html>", b""],
    ids=["jpeg", "html", "empty"],
)
def test_bytes_served_as_a_png_that_are_not_one_are_refused(tmp_path: Path, served: bytes) -> None:
    assert checked_output(tmp_path / "a.png", "image/png", served) == ("no PNG signature", None)


def test_a_png_served_under_another_picture_type_is_still_proved_from_its_chunks(tmp_path: Path) -> None:
    data = comfy_png()
    assert checked_output(tmp_path / "a.jpg", "image/jpeg", data)[0] is None
    assert (
        checked_output(tmp_path / "a.jpg", "image/jpeg", data[:-1])[0]
        == "the file ends before its IEND chunk"
    )


def test_a_png_must_open_with_its_header_and_hold_image_data() -> None:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    text = png_chunk(b"tEXt", b"prompt\x00{}")
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00" * 4))
    with pytest.raises(DamagedPng, match="first chunk is b'tEXt', not IHDR"):
        whole_png(b"\x89PNG\r\n\x1a\n" + text + header + idat + IEND)
    with pytest.raises(DamagedPng, match=r"no image data \(IDAT\)"):
        whole_png(b"\x89PNG\r\n\x1a\n" + header + text + IEND)
    with pytest.raises(DamagedPng, match="the header says 0x4 pixels"):
        whole_png(
            b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 4, 8, 0, 0, 0, 0)) + idat
        )
    assert whole_png(b"\x89PNG\r\n\x1a\n" + header + text + idat + IEND).height == 4


def test_image_data_broken_under_valid_crcs_is_a_forged_file_only_an_input_is_refused_for() -> None:
    """Not a download fault: each CRC was computed over the broken bytes, so ComfyUI's writer (or a forger)
    wrote them, and a second fetch would bring them again. An output's proof is that every byte written
    arrived; a user's input, untrusted, is still inflated to its last row (core.inputs.png_integrity)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    broken = png_chunk(b"IDAT", b"\x78\x9c not a deflate stream")
    forged = b"\x89PNG\r\n\x1a\n" + header + broken + IEND
    assert whole_png(forged).width == 4
    with pytest.raises(DamagedPng, match="does not inflate"):
        check_png(forged)
