"""Whether a file fetched from ComfyUI is whole.

A PNG (ComfyUI's own pictures) is proved from its chunks, every CRC checked and the last chunk ending the
file, without inflating it (``core.jobs.whole_png`` says why that proves a download whole). Other pictures go
through the reader that inspects inputs, ``core.inputs.images`` (decoded). Audio and video are read through
packet by packet (every byte demuxed, the first frames decoded) and must reach the length their stream header
declares: a file cut short with a matching Content-Length still opens and plays its first seconds. A file of
another type (text, latents) is held only to its Content-Length, which ``comfy.artifacts`` checks as it
fetches.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from core.inputs.facts import InputLimits, InputRefused
from core.inputs.images import IMAGE_MIMES, read_picture
from core.inputs.png_integrity import SIGNATURE, DamagedPng
from core.inputs.recordings import FRAMES_TO_PROVE, _is_cover_art
from core.inputs.recordings import _open as open_recording
from core.jobs.artifact_facts import FileFacts
from core.jobs.whole_png import whole_png

# An output is checked, never refused for its size: the limits are the inputs', lifted.
_UNLIMITED = InputLimits(max_bytes=1 << 62, max_pixels=1 << 62, max_seconds=float("inf"))
_PICTURES = frozenset(IMAGE_MIMES.values())
_RECORDINGS = frozenset(
    {
        "audio/flac", "audio/x-flac", "audio/mpeg", "audio/ogg", "audio/opus", "audio/wav", "audio/x-wav",
        "audio/wave", "audio/mp4", "audio/webm", "video/mp4", "video/webm", "video/quicktime", "video/ogg",
        "video/x-matroska",
    }
)  # fmt: skip
# How far short of its declared length a recording may end: muxers round, and audio codecs pad (real
# ComfyUI 0.3.64 outputs: FLAC, MP3, Opus and MP4 end within 7 ms of it).
_SHORTFALL_FRACTION = 0.01
_SHORTFALL_S = 0.05
_OGG_END_OF_STREAM = 0x04  # header_type flag of a stream's last page (RFC 3533, section 6)


def _mime(path: Path, mime: str) -> str:
    mime = mime.split(";")[0].strip().lower()
    if mime in ("", "application/octet-stream"):
        return mimetypes.guess_type(path.name)[0] or ""
    return mime


def _picture_check(data: bytes, mime: str) -> tuple[str | None, FileFacts | None]:
    if mime == "image/png" or data.startswith(SIGNATURE):  # bytes served as a PNG that are not one: refused
        try:
            header = whole_png(data)
        except DamagedPng as exc:
            return str(exc), None
        width, height = header.width, header.height
    else:
        try:
            picture = read_picture(data, _UNLIMITED)
        except InputRefused as exc:
            return str(exc), None
        if picture is None:
            return "Pillow does not read it as a picture", None
        width, height = picture.width, picture.height
    return None, FileFacts(hashlib.sha256(data).hexdigest(), width=width, height=height)


def _declared_s(stream: Any) -> float | None:
    """The stream header's own length (an MP4's track, a FLAC's or WAV's sample count); None when the
    header has none and FFmpeg would estimate one from the file's size, which a cut file shrinks too."""
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _read_through(container: Any, stream: Any) -> str | None:
    start = stream.start_time or 0
    reach, decoded = 0.0, 0
    for packet in container.demux(stream):
        if decoded < FRAMES_TO_PROVE:
            decoded += len(packet.decode())  # the last (empty) packet flushes a decoder's delay
        if packet.pts is not None and packet.time_base is not None:
            end = float((packet.pts - start + (packet.duration or 0)) * packet.time_base)
            reach = max(reach, end)
    if decoded == 0:
        return "no frame decoded"
    declared = _declared_s(stream)
    if declared is not None and reach < declared * (1 - _SHORTFALL_FRACTION) - _SHORTFALL_S:
        return f"it ends at {reach:.2f} s of the {declared:.2f} s its header declares"
    return None


def _ogg_damage(data: bytes) -> str | None:
    """An Ogg file (Opus, Vorbis) declares its length in its last page, so a cut one still "reaches" it.
    It is whole when its pages, walked from the first, end exactly at its end, the last one marked as
    the end of the stream."""
    position, last_flags = 0, 0
    while position < len(data):
        if position + 27 > len(data):
            return "its last Ogg page is cut short"
        if data[position : position + 4] != b"OggS":
            return f"no Ogg page where one should begin, at byte {position}"
        last_flags, segments = data[position + 5], data[position + 26]
        lacing = data[position + 27 : position + 27 + segments]
        position += 27 + segments + sum(lacing)
        if len(lacing) < segments or position > len(data):
            return "its last Ogg page is cut short"
    if not last_flags & _OGG_END_OF_STREAM:
        return "its last Ogg page does not end the stream"
    return None


def _recording_damage(data: bytes) -> str | None:
    container = open_recording(data)
    if container is None:
        return "FFmpeg does not read it"
    with container:
        if container.format.name == "ogg" and (problem := _ogg_damage(data)):
            return problem
        videos = [s for s in container.streams.video if not _is_cover_art(s)]
        streams = videos or list(container.streams.audio)
        if not streams:
            return "it has no audio or video stream"
        try:
            return _read_through(container, streams[0])
        except Exception as exc:  # FFmpeg's errors on broken bytes have no common type
            return f"{type(exc).__name__}: {exc}"


def checked_output(path: Path, mime: str, data: bytes | None = None) -> tuple[str | None, FileFacts | None]:
    """What is wrong with the file fetched to ``path`` (served as ``mime``), None if it is whole; for a
    whole picture, the facts recorded with it (checksum, pixel size), taken from the same read, so
    describing it after needs no second read nor trip to a worker thread. ``data`` is the file's content
    when the caller holds it (then the disk is not read). Blocking, CPU work: the download's worker
    thread calls it (``output_damage`` fits ``comfy.artifacts.OutputCheck``)."""
    mime = _mime(path, mime)
    if mime in _PICTURES:
        return _picture_check(path.read_bytes() if data is None else data, mime)
    if mime in _RECORDINGS:
        return _recording_damage(path.read_bytes() if data is None else data), None
    return None, None


def output_damage(path: Path, mime: str, data: bytes | None = None) -> str | None:
    """As ``checked_output``, only the damage."""
    return checked_output(path, mime, data)[0]
