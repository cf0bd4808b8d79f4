"""Proof that a PNG decodes to its end, without building its pixels: what decoding it would check, cheaper.

Decoding a 10 MB PNG with Pillow costs three to four times what this does: it inflates the image data and
unfilters every row into a new image. Here every chunk's CRC is checked, the image data (IDAT) is inflated
as a stream and thrown away as it comes, the first byte of every row must be a filter type PNG defines
(0-4, as Pillow's decoder requires) and the rows must all be there (non-interlaced or Adam7). A cut-short,
corrupted or forged file fails as it would fail to load; its size was checked from the header before.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import NamedTuple

SIGNATURE = b"\x89PNG\r\n\x1a\n"
SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
# Colour type -> the bit depths the PNG specification allows for it (section 11.2.2); Pillow loads no other.
BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7 passes: (first column, first row, column step, row step).
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
INFLATE_PIECE = 1 << 20  # inflated bytes looked at, then dropped, at a time
HIGHEST_FILTER = 4
MAX_LENGTH = 0x7FFFFFFF  # of a chunk, a width or a height (PNG's four-byte numbers stop at 2**31 - 1)


class DamagedPng(ValueError):
    """The PNG does not decode to its end; the message says where."""


def _rows(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> Iterator[tuple[int, int]]:
    """The rows of image data in stream order, as runs of equal rows: (length with the filter byte,
    how many), one run a pass."""
    passes = ADAM7 if interlaced else ((0, 0, 1, 1),)
    for first_x, first_y, step_x, step_y in passes:
        columns = (width - first_x + step_x - 1) // step_x if width > first_x else 0
        rows = (height - first_y + step_y - 1) // step_y if height > first_y else 0
        if columns and rows:
            yield 1 + (columns * bits_per_pixel + 7) // 8, rows


class _RowCheck:
    """Follows the inflated stream piece by piece: each row's filter byte checked, the rows counted. The
    filter bytes of a piece are taken in one slice a run (every ``stride``-th byte) and checked by max(),
    so a picture's rows cost a few C calls, not a Python step each (a 512-row picture: ~100 us less)."""

    def __init__(self, runs: Iterator[tuple[int, int]]) -> None:
        self._runs = runs
        # The length of the row whose filter byte is next (None once all are checked), and how many
        # rows of that length are left, that one included.
        self._stride: int | None
        self._stride, self._left = next(runs, (None, 0))
        self._next = 0  # stream offset of that filter byte; once all are checked, the end of the last row
        self._seen = 0  # inflated bytes so far

    @property
    def complete(self) -> bool:
        return self._stride is None and self._seen >= self._next

    def feed(self, piece: bytes) -> None:
        end = self._seen + len(piece)
        while self._stride is not None and self._next < end:
            stride = self._stride
            count = min(self._left, (end - self._next + stride - 1) // stride)  # filter bytes in the piece
            start = self._next - self._seen
            filters = piece[start : start + (count - 1) * stride + 1 : stride]
            if max(filters) > HIGHEST_FILTER:
                bad = next(i for i, value in enumerate(filters) if value > HIGHEST_FILTER)
                raise DamagedPng(f"unknown filter type at byte {self._next + bad * stride} of the image data")
            self._next += count * stride
            self._left -= count
            if not self._left:
                self._stride, self._left = next(self._runs, (None, 0))
        self._seen = end


class Chunk(NamedTuple):
    kind: bytes
    body: memoryview
    end: int  # offset just past its CRC


class Header(NamedTuple):
    width: int
    height: int
    bits_per_pixel: int
    interlaced: bool


def chunks(data: bytes) -> Iterator[Chunk]:
    """The chunks of the PNG in ``data`` from its signature to its first IEND (the last one yielded), each
    once its CRC is checked; DamagedPng for a missing signature, a chunk cut short or failing its CRC, or
    a file that ends before an IEND."""
    if not data.startswith(SIGNATURE):
        raise DamagedPng("no PNG signature")
    view = memoryview(data)
    position, kind = len(SIGNATURE), b""
    while kind != b"IEND":
        if position + 12 > len(data):
            raise DamagedPng("the file ends before its IEND chunk")
        (length,) = struct.unpack_from(">I", data, position)
        kind = bytes(view[position + 4 : position + 8])
        body_end = position + 8 + length
        if length > MAX_LENGTH or body_end + 4 > len(data):
            raise DamagedPng(f"chunk {kind!r} is cut short")
        body = view[position + 8 : body_end]
        (crc,) = struct.unpack_from(">I", data, body_end)
        if zlib.crc32(body, zlib.crc32(kind)) != crc:
            raise DamagedPng(f"chunk {kind!r} fails its CRC")
        position = body_end + 4
        yield Chunk(kind, body, position)


def check_png(data: bytes) -> bytes | None:
    """Raise DamagedPng unless ``data`` is a whole PNG whose image data decodes to its last row; return its
    EXIF block (an eXIf chunk's, before or after the image data), if it has one."""
    rows, exif = None, None
    inflate = zlib.decompressobj()
    for kind, body, _ in chunks(data):
        if kind == b"eXIf":
            exif = bytes(body)
        elif kind == b"IHDR":
            header = read_header(body)
            rows = _RowCheck(_rows(header.width, header.height, header.bits_per_pixel, header.interlaced))
        elif kind == b"IDAT":
            if rows is None:
                raise DamagedPng("image data before the header")
            _inflate_into(inflate, body, rows)
    if rows is None or not rows.complete:
        raise DamagedPng("the image data ends before the last row")
    return exif


def read_header(body: memoryview) -> Header:
    """The IHDR chunk's ``body``, once it is one the specification allows: otherwise the rows are not
    known (a bit depth outside the table, or an interlace method other than none/Adam7, which Pillow reads
    as Adam7), and Pillow refuses or misreads it."""
    if len(body) != 13:
        raise DamagedPng(f"the header is {len(body)} bytes, not 13")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if depth not in BIT_DEPTHS.get(colour, ()):
        raise DamagedPng(f"no such PNG: colour type {colour} at bit depth {depth}")
    if not 0 < width <= MAX_LENGTH or not 0 < height <= MAX_LENGTH:
        raise DamagedPng(f"the header says {width}x{height} pixels")
    if compression or filtering or interlace > 1:
        raise DamagedPng(
            f"unknown method in the header: compression {compression}, filter {filtering}, "
            f"interlace {interlace}"
        )
    return Header(width, height, depth * SAMPLES[colour], interlace == 1)


def _inflate_into(inflate: zlib._Decompress, compressed: memoryview, rows: _RowCheck) -> None:
    try:
        piece = inflate.decompress(compressed, INFLATE_PIECE)
        while True:
            rows.feed(piece)
            if not inflate.unconsumed_tail:
                return
            piece = inflate.decompress(inflate.unconsumed_tail, INFLATE_PIECE)
    except zlib.error as exc:
        raise DamagedPng(f"the image data does not inflate: {exc}") from exc
