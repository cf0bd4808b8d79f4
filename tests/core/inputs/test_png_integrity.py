"""The PNG check proves what decoding would: whatever it accepts Pillow loads, and it refuses a cut, a
corrupted chunk, an unknown filter (which Pillow cannot load either) and missing rows (which Pillow would
paint black) (issue 14's faster inspection)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.inputs import png_integrity
from core.inputs.png_integrity import ADAM7, DamagedPng, check_png
from tests.core.inputs.media_samples import png_chunk


def pillow_png(mode: str, size: tuple[int, int] = (37, 23)) -> bytes:
    buffer = io.BytesIO()
    image = Image.linear_gradient("L").resize(size).convert(mode)
    image.save(buffer, "PNG")
    return buffer.getvalue()


def grey_rows(width: int, height: int, *, interlaced: bool = False, filter_byte: int = 0) -> list[bytes]:
    """The rows of an 8-bit grey picture in stream order, each with its filter byte first."""
    passes = ADAM7 if interlaced else ((0, 0, 1, 1),)
    rows = []
    for first_x, first_y, step_x, step_y in passes:
        columns = len(range(first_x, width, step_x))
        for y in range(first_y, height, step_y):
            if columns:
                rows.append(bytes([filter_byte]) + bytes((x * 7 + y * 3) % 256 for x in range(columns)))
    return rows


def handmade_png(
    width: int,
    height: int,
    *,
    interlaced: bool = False,
    filter_byte: int = 0,
    rows_missing: int = 0,
    rows: list[bytes] | None = None,
) -> bytes:
    """An 8-bit grey PNG written byte by byte (Pillow cannot write interlaced ones), every row filtered with
    ``filter_byte`` (0 "none" or 1 "sub" are valid), the last ``rows_missing`` rows left out; or made of
    ``rows`` as given."""
    if rows is None:
        rows = grey_rows(width, height, interlaced=interlaced, filter_byte=filter_byte)
    raw = b"".join(rows[: len(rows) - rows_missing])
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, int(interlaced))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(raw))
        + png_chunk(b"IEND", b"")
    )


def pillow_loads(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:
        return False
    return True


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"])
def test_every_kind_of_png_pillow_writes_passes(mode: str) -> None:
    check_png(pillow_png(mode))


@pytest.mark.parametrize(("width", "height"), [(1, 1), (3, 2), (9, 9), (17, 5), (64, 33)])
def test_interlaced_pngs_pass_with_every_pass_counted(width: int, height: int) -> None:
    data = handmade_png(width, height, interlaced=True)
    assert pillow_loads(data)
    check_png(data)


@pytest.mark.parametrize("interlaced", [False, True])
def test_a_png_missing_its_last_row_is_damaged(interlaced: bool) -> None:
    """Stricter than Pillow, which paints the missing rows black: a picture cut short is damaged."""
    data = handmade_png(20, 12, interlaced=interlaced, rows_missing=1)
    with pytest.raises(DamagedPng, match="last row"):
        check_png(data)


def test_an_unknown_filter_type_is_damaged_as_pillow_finds_it() -> None:
    assert pillow_loads(handmade_png(20, 12, filter_byte=1))
    data = handmade_png(20, 12, filter_byte=5)
    with pytest.raises(DamagedPng, match="filter"):
        check_png(data)
    assert not pillow_loads(data)


@pytest.mark.parametrize("piece", [7, 1 << 20])  # inflated bytes looked at a time: rows cut, or whole
@pytest.mark.parametrize("interlaced", [False, True])
def test_one_unknown_filter_byte_is_found_at_its_offset_in_any_row(
    monkeypatch: pytest.MonkeyPatch, interlaced: bool, piece: int
) -> None:
    monkeypatch.setattr(png_integrity, "INFLATE_PIECE", piece)
    whole = grey_rows(33, 21, interlaced=interlaced)
    for bad in (0, 1, len(whole) // 2, len(whole) - 1):
        rows = [*whole]
        rows[bad] = b"\x05" + rows[bad][1:]
        offset = sum(len(row) for row in whole[:bad])
        with pytest.raises(DamagedPng, match=f"unknown filter type at byte {offset} of"):
            check_png(handmade_png(33, 21, interlaced=interlaced, rows=rows))
    check_png(handmade_png(33, 21, interlaced=interlaced, rows=whole))


def test_a_corrupted_chunk_fails_its_crc() -> None:
    data = bytearray(pillow_png("RGB", (200, 200)))
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(DamagedPng, match="CRC"):
        check_png(bytes(data))


@pytest.mark.parametrize("keep", [8, 20, 33, 0.5, -13, -1])
def test_a_cut_short_png_is_damaged(keep: float) -> None:
    data = pillow_png("RGBA", (120, 80))
    cut = data[: int(len(data) * keep)] if isinstance(keep, float) else data[:keep]
    with pytest.raises(DamagedPng):
        check_png(cut)


def test_image_data_before_the_header_is_damaged() -> None:
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4)) + png_chunk(b"IEND", b"")
    with pytest.raises(DamagedPng, match="before the header"):
        check_png(data)


SAMPLES = [pillow_png("RGB", (40, 30)), handmade_png(19, 11, interlaced=True), pillow_png("P", (50, 20))]


LONGEST = max(len(sample) for sample in SAMPLES)
EDITS = st.lists(st.tuples(st.integers(8, LONGEST - 1), st.integers(0, 255)), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES), EDITS, st.integers(8, LONGEST))
# Found by Hypothesis: an interlace method of 193 (Pillow reads any non-zero one as Adam7), and an IHDR
# whose length byte says 1 (too short to read).
@example(SAMPLES[2], [(28, 193)], LONGEST)
@example(SAMPLES[0], [(11, 1)], LONGEST)
def test_whatever_the_check_accepts_pillow_loads(
    original: bytes, edits: list[tuple[int, int]], keep: int
) -> None:
    """Mangled bytes (the CRCs recomputed, so the check must find the fault in the image data itself)."""
    mangled = bytearray(original)
    for position, value in edits:
        mangled[8 + (position - 8) % (len(mangled) - 8)] = value
    fixed = recompute_crcs(bytes(mangled[: 8 + (keep - 8) % (len(mangled) - 7)]))
    try:
        check_png(fixed)
    except DamagedPng:
        return
    assert pillow_loads(fixed)


def recompute_crcs(data: bytes) -> bytes:
    """The same chunks with correct CRCs, as far as their lengths lead; the rest left as it is."""
    out, position = bytearray(data[:8]), 8
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        end = position + 8 + length
        if end + 4 > len(data):
            break
        kind, body = data[position + 4 : position + 8], data[position + 8 : end]
        out += data[position:end] + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        position = end + 4
    return bytes(out + data[position:])
