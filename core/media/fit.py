"""Bringing a video under an upload limit: a lower bitrate first, then a lower resolution when the bitrate
left would smear the picture. Blocking: run it in a thread."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.media.mp4 import AUDIO_BITRATE, Encoding, output_size, transcode
from core.media.probe import VideoFacts
from core.texts import Text

log = logging.getLogger(__name__)

# Heights tried in turn once the bitrate alone cannot keep the picture clean.
HEIGHTS = (1080, 720, 540, 480, 360, 240, 144)
# Below this many bits per pixel per frame x264 smears detail: a smaller, sharper picture looks better.
MIN_BITS_PER_PIXEL = 0.05
# The MP4 boxes and x264's rate control overshoot take a little of the budget.
_HEADROOM = 0.95
_ATTEMPTS_PER_SIZE = 4


@dataclass(frozen=True, slots=True)
class FittedVideo:
    path: Path
    size_bytes: int
    width: int
    height: int
    bitrate: int
    source_height: int

    @property
    def lowered_resolution(self) -> bool:
        return self.height < self.source_height

    def note(self, limit_bytes: int) -> Text:
        """What was done, for the message: people should know why it looks softer than they expected."""
        limit = f"{limit_bytes / 2**20:.0f} MB" if limit_bytes >= 2**20 else f"{limit_bytes // 1024} KB"
        if self.lowered_resolution:
            sizes = f"{self.source_height}p → {self.height}p"
            return Text(
                "fit.video_smaller",
                f"video re-encoded at a lower bitrate and resolution ({sizes}) "
                f"to fit Discord's {limit} limit",
                {"sizes": sizes, "limit": limit},
            )
        return Text(
            "fit.video",
            f"video re-encoded at a lower bitrate to fit Discord's {limit} limit",
            {"limit": limit},
        )


def fit_video(source: Path, facts: VideoFacts, target: Path, max_bytes: int) -> FittedVideo | None:
    """An MP4 at ``target`` of at most ``max_bytes``, or None when even the smallest size cannot fit."""
    duration = max(facts.duration_s, 1 / facts.fps)
    audio = AUDIO_BITRATE if facts.has_audio else 0
    budget = int(max_bytes * 8 * _HEADROOM / duration) - audio
    smaller = [h for h in HEIGHTS if h < facts.height] or [h for h in (facts.height // 2,) if h >= 32]
    heights = [facts.height, *smaller]
    for index, height in enumerate(heights):
        width, even_height = output_size(facts.width, facts.height, height)
        clean = budget / (width * even_height * facts.fps) >= MIN_BITS_PER_PIXEL
        if not clean and index < len(heights) - 1:
            continue
        bitrate = budget
        for _ in range(_ATTEMPTS_PER_SIZE):
            if bitrate < 16_000:  # nothing watchable is left at this size
                break
            transcode(source, target, Encoding(bitrate=bitrate, height=height))
            size = target.stat().st_size
            if size <= max_bytes:
                return FittedVideo(target, size, width, even_height, bitrate, facts.height)
            log.info("%d bytes at %d bit/s is over %d; trying less", size, bitrate, max_bytes)
            bitrate = int(bitrate * 0.85 * max_bytes / size)
    return None
