"""Whether a PNG fetched from ComfyUI holds all the bytes ComfyUI's writer wrote, unaltered: proved from its
chunks, without inflating its image data.

An output comes from our own ComfyUI, not from a stranger: what can go wrong between its writer and our
disk is the transfer (a connection dropped, a body cut under a Content-Length that matches the cut, a file
served while still being written) and, rarely, a byte altered on the way. Proving that the picture inflates
to its last row (what a user's input must pass, ``core.inputs.png_integrity``) answers "does it decode",
and costs ~1.2 ms of CPU for a 1024x1024 picture, most of the worker-thread CPU a job spends. The question
here is narrower, and the chunks answer it:

- A file cut short, at any byte, is refused, always. The walk reads each chunk's length from the bytes
  and steps from the signature to the first IEND, which must end exactly at the file's end. A cut copy
  holds the same bytes as the whole file up to the cut, so its walk follows the whole file's chunks; the
  whole file's only IEND is its last chunk, which a cut removes (or cuts): the walk meets the end of the
  bytes before an IEND, or a chunk reaching past them. No CRC luck is involved.
- A byte altered inside a chunk (length, type, body or CRC) fails that chunk's CRC-32, or, for a length,
  sends the walk to a place where a chunk would have to pass its CRC by chance (2**-32) and the walk
  still land on an IEND at the very end. CRC-32 finds every error burst up to 32 bits long.
- Bytes after IEND (two bodies glued, a proxy's tail) are refused: the file is not what was written.

What the walk does not prove is that the image data inflates: a PNG whose zlib stream is broken under
valid CRCs was written that way (each CRC is computed over the bytes written), so it is a forged or
miswritten file, not a download fault, and fetching it again would bring the same bytes. The header is
checked as a decoder would (IHDR first, a size within PNG's range, a known colour type and bit depth),
and at least one IDAT must be there. The whole walk costs a CRC-32 over the file (C speed: ~0.25 ms a
megabyte here, under half the sha256 taken over the same bytes) and a few Python steps a chunk.
"""

from __future__ import annotations

from core.inputs.png_integrity import DamagedPng, Header, chunks, read_header


def whole_png(data: bytes) -> Header:
    """The header of the PNG in ``data`` once its chunks prove it whole; DamagedPng says what is wrong."""
    walk = chunks(data)
    first = next(walk)  # chunks() yields at least an IEND, or raises
    if first.kind != b"IHDR":
        raise DamagedPng(f"the first chunk is {first.kind!r}, not IHDR")
    header = read_header(first.body)
    image_data, last = False, first
    for last in walk:
        image_data = image_data or last.kind == b"IDAT"
    if not image_data:
        raise DamagedPng("no image data (IDAT) before its IEND chunk")
    if last.end != len(data):
        raise DamagedPng(f"{len(data) - last.end} bytes after its IEND chunk")
    return header
