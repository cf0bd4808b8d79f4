"""What a video (or animation) file is, read from its headers with PyAV: size, length, codec, layout.

Discord plays a video inline when it is MP4 with H.264 in yuv420p; with the index (``moov``) ahead of the
data (``faststart``) it starts playing before the whole file has arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

# Where MP4 top-level boxes are looked for: real files keep ftyp, moov and mdat in their first boxes.
_MAX_BOXES = 16


@dataclass(frozen=True, slots=True)
class VideoFacts:
    width: int
    height: int
    duration_s: float
    fps: float
    codec: str
    pix_fmt: str | None
    container: str
    frames: int
    has_audio: bool
    faststart: bool

    @property
    def plays_inline(self) -> bool:
        """Ready for Discord as it is: H.264 in yuv420p, in MP4, index first."""
        return (
            self.codec == "h264"
            and self.pix_fmt == "yuv420p"
            and "mp4" in self.container
            and self.faststart
            and self.width % 2 == 0
            and self.height % 2 == 0
        )


def probe_video(path: Path) -> VideoFacts | None:
    """The file's video facts; None when it has no moving picture (a still image, audio, not media)."""
    try:
        with Image.open(path) as image:
            return _animation(image)
    except (UnidentifiedImageError, OSError):
        pass  # not a picture Pillow reads: a video file, then
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            context = stream.codec_context
            fps = float(stream.average_rate or stream.guessed_rate or 0) or 24.0
            frames = stream.frames
            duration = _duration(container, stream)
            if frames <= 1 and duration <= 0:
                frames = sum(1 for _ in container.decode(stream))  # animated WebP/PNG keep no count
                duration = frames / fps
            if frames <= 1 and duration <= 1 / fps:
                return None
            return VideoFacts(
                width=context.width,
                height=context.height,
                duration_s=duration if duration > 0 else frames / fps,
                fps=fps,
                codec=context.name,
                pix_fmt=context.pix_fmt,
                container=container.format.name,
                frames=frames or round(duration * fps),
                has_audio=bool(container.streams.audio),
                faststart=_moov_first(path),
            )
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return None


def animation_fps(image: Image.Image) -> float:
    """Frames per second of an animated WebP/PNG/GIF, from its first frame's duration in milliseconds."""
    duration_ms = float(image.info.get("duration") or 0)
    return 1000.0 / duration_ms if duration_ms > 0 else 10.0


def _animation(image: Image.Image) -> VideoFacts | None:
    """Animated WebP, APNG or GIF, which Pillow reads (FFmpeg does not decode animated WebP)."""
    frames = int(getattr(image, "n_frames", 1))
    if frames <= 1:
        return None
    fps = animation_fps(image)
    return VideoFacts(
        width=image.width,
        height=image.height,
        duration_s=frames / fps,
        fps=fps,
        codec=str(image.format or "").lower(),
        pix_fmt=None,
        container=str(image.format or "").lower(),
        frames=frames,
        has_audio=False,
        faststart=False,
    )


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / av.time_base
    return 0.0


def _moov_first(path: Path) -> bool:
    """The MP4 index box comes before the media data box."""
    try:
        with path.open("rb") as handle:
            for _ in range(_MAX_BOXES):
                header = handle.read(8)
                if len(header) < 8:
                    return False
                size, kind = int.from_bytes(header[:4], "big"), header[4:]
                if kind == b"moov":
                    return True
                if kind == b"mdat":
                    return False
                if size == 1:
                    size = int.from_bytes(handle.read(8), "big") - 8
                if size < 8:
                    return False
                handle.seek(size - 8, 1)
    except OSError:
        return False
    return False
