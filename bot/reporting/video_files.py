"""Videos in a result message: brought under the upload limit (bitrate, then resolution) and a poster frame
for the gallery above the video. The encoding runs in a thread over temporary files; the event loop never
waits on it."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from bot.ui.job_messages import OutgoingFile
from core.media.fit import fit_video
from core.media.poster import poster_jpeg
from core.media.probe import probe_video
from core.texts import Text

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv")
POSTER_NAME = "poster.jpg"


def is_video(file: OutgoingFile) -> bool:
    return PurePath(file.filename).suffix.lower() in VIDEO_SUFFIXES


async def fit_video_file(file: OutgoingFile, target_bytes: int) -> tuple[OutgoingFile, Text | None]:
    """The video re-encoded to at most ``target_bytes`` and what was done (None: it could not be made to fit,
    and goes as it is, for Discord to refuse and the caller to report)."""
    return await asyncio.to_thread(_fit, file, target_bytes)


def _fit(file: OutgoingFile, target_bytes: int) -> tuple[OutgoingFile, Text | None]:
    stem = PurePath(file.filename).stem
    with tempfile.TemporaryDirectory(prefix="video-fit-") as folder:
        source, target = Path(folder) / f"source{PurePath(file.filename).suffix}", Path(folder) / "fitted.mp4"
        source.write_bytes(file.data)
        facts = probe_video(source)
        if facts is None:
            log.warning("%s is not a video I can read; sending it as it is", file.filename)
            return file, None
        fitted = fit_video(source, facts, target, target_bytes)
        if fitted is None:
            log.warning("%s cannot be brought under %d bytes", file.filename, target_bytes)
            return file, None
        log.info("%s re-encoded from %d to %d bytes (%dp)", file.filename, len(file.data), fitted.size_bytes,
                 fitted.height)  # fmt: skip
        return OutgoingFile(f"{stem}.mp4", target.read_bytes()), fitted.note(target_bytes)


async def poster_for(files: Sequence[OutgoingFile]) -> OutgoingFile | None:
    """The first video's first frame, for the embed (None when there is no video or it cannot be read)."""
    video = next((file for file in files if is_video(file)), None)
    if video is None:
        return None
    data = await asyncio.to_thread(_poster, video)
    return OutgoingFile(POSTER_NAME, data) if data is not None else None


def _poster(video: OutgoingFile) -> bytes | None:
    with tempfile.TemporaryDirectory(prefix="video-poster-") as folder:
        path = Path(folder) / f"video{PurePath(video.filename).suffix}"
        path.write_bytes(video.data)
        return poster_jpeg(path)
