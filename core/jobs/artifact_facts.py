"""Facts about a downloaded file that we record with it: checksum, pixel size or duration."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

from core.media.probe import probe_video
from db.enums import ArtifactType

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileFacts:
    sha256: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _image_size(path: Path) -> tuple[int | None, int | None]:
    try:
        with Image.open(path) as image:
            return image.width, image.height
    except (UnidentifiedImageError, OSError):
        return None, None


def _audio_duration(path: Path) -> float | None:
    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return float(container.duration) / av.time_base
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
    except (av.error.FFmpegError, IndexError, OSError) as exc:
        log.info("could not read the duration of %s: %s", path.name, exc)
    return None


def _facts(path: Path, media: ArtifactType) -> FileFacts:
    digest = _sha256(path)
    if media is ArtifactType.IMAGE:
        width, height = _image_size(path)
        return FileFacts(digest, width=width, height=height)
    if media is ArtifactType.VIDEO:
        video = probe_video(path)
        if video is not None:
            return FileFacts(digest, width=video.width, height=video.height, duration_s=video.duration_s)
    return FileFacts(digest, duration_s=_audio_duration(path))


async def file_facts(path: Path, *, media: ArtifactType) -> FileFacts:
    """Read in a worker thread: hashing and decoding headers must not block the event loop."""
    return await asyncio.to_thread(_facts, path, media)
