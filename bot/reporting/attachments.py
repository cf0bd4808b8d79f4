"""Making a job's files fit Discord's upload limit: images re-encoded (WebP, then JPEG) or scaled down, audio
re-encoded at a lower bitrate. The work runs in a thread; the event loop never waits on it."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import av
from PIL import Image

from bot.reporting.video_files import fit_video_file, is_video
from bot.ui.job_messages import OutgoingFile
from core.texts import Text

log = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 10
# The multipart envelope and JSON payload travel in the same request as the files.
_REQUEST_OVERHEAD = 16 * 1024
_IMAGE_QUALITIES = (90, 80, 65, 50)
_AUDIO_BITRATES = (192_000, 128_000, 96_000, 64_000, 32_000)
_IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg", ".gif", ".bmp")


@dataclass(frozen=True, slots=True)
class FittedFiles:
    files: tuple[OutgoingFile, ...]
    shrunk: bool
    # What was done to the files, for the message ("video re-encoded at a lower bitrate ...").
    notes: tuple[Text, ...] = ()


async def fit_to_limit(files: Sequence[OutgoingFile], limit_bytes: int, *, reserved: int = 0) -> FittedFiles:
    """The files, made small enough to travel together (with ``reserved`` bytes of others, a poster) in one
    request of at most `limit_bytes`."""
    budget = max(1024, limit_bytes - _REQUEST_OVERHEAD - reserved)
    if sum(len(f.data) for f in files) <= budget:
        return FittedFiles(tuple(files), shrunk=False)
    share = budget // max(1, len(files))
    fitted: list[OutgoingFile] = []
    notes: list[Text] = []
    for file in files:
        if len(file.data) <= share:
            fitted.append(file)
        elif is_video(file):
            smaller, note = await fit_video_file(file, share)
            fitted.append(smaller)
            notes += [note] if note is not None else []
        else:
            fitted.append(await asyncio.to_thread(shrink, file, share))
    return FittedFiles(
        tuple(fitted), shrunk=True, notes=tuple({note.english: note for note in notes}.values())
    )


def shrink(file: OutgoingFile, target_bytes: int) -> OutgoingFile:
    """A smaller version of one file (best effort: the smallest we could make if the target is too tight)."""
    suffix = PurePath(file.filename).suffix.lower()
    try:
        if suffix in _IMAGE_SUFFIXES:
            return _shrink_image(file, target_bytes)
        return _shrink_audio(file, target_bytes)
    except (OSError, ValueError, av.FFmpegError) as error:
        log.warning("could not shrink %s (%s); sending it as it is", file.filename, error)
        return file


def _shrink_image(file: OutgoingFile, target_bytes: int) -> OutgoingFile:
    stem = PurePath(file.filename).stem
    with Image.open(io.BytesIO(file.data)) as opened:
        image = opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "P") else "RGB")
    smallest = file
    while True:
        for quality in _IMAGE_QUALITIES:
            candidate = _encode_image(image, stem, quality)
            if len(candidate.data) <= target_bytes:
                return candidate
            if len(candidate.data) < len(smallest.data):
                smallest = candidate
        if min(image.size) <= 64:
            return smallest
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))


def _encode_image(image: Image.Image, stem: str, quality: int) -> OutgoingFile:
    buffer = io.BytesIO()
    try:
        image.save(buffer, format="WEBP", quality=quality, method=4)
        return OutgoingFile(f"{stem}.webp", buffer.getvalue())
    except (OSError, KeyError):  # a Pillow built without WebP
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
        return OutgoingFile(f"{stem}.jpg", buffer.getvalue())


def _shrink_audio(file: OutgoingFile, target_bytes: int) -> OutgoingFile:
    stem = PurePath(file.filename).stem
    smallest = file
    for bitrate in _AUDIO_BITRATES:
        candidate = OutgoingFile(f"{stem}.mp3", _encode_mp3(file.data, bitrate))
        if len(candidate.data) <= target_bytes:
            return candidate
        if len(candidate.data) < len(smallest.data):
            smallest = candidate
    return smallest


def _encode_mp3(data: bytes, bitrate: int) -> bytes:
    output = io.BytesIO()
    with av.open(io.BytesIO(data), mode="r") as source, av.open(output, mode="w", format="mp3") as target:
        audio_in = source.streams.audio[0]
        stream = target.add_stream("mp3", rate=audio_in.rate or 44100)
        stream.bit_rate = bitrate
        for frame in source.decode(audio_in):
            frame.pts = None
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return output.getvalue()
