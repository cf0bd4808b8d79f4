"""What a video job delivers: every video or animation its workflow saved as an MP4 Discord plays inline,
and a batch of still frames made into one. Blocking (decoding, encoding): run it in a thread.

SaveVideo writes H.264 in yuv420p already, with its index at the end: such a file is only remuxed (no frame
re-encoded). SaveWEBM (VP9/AV1), SaveAnimatedWEBP/PNG and anything else are encoded to H.264.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.media.mp4 import frames_to_mp4, remux, transcode
from core.media.probe import VideoFacts, probe_video

log = logging.getLogger(__name__)

MP4 = ".mp4"


def discord_videos(paths: Sequence[Path], fps: float) -> list[Path]:
    """The files to deliver instead of ``paths`` (which they replace); other media pass as they are."""
    delivered: list[Path] = []
    stills: list[Path] = []
    for path in paths:
        facts = probe_video(path)
        if facts is not None:
            delivered.append(_as_mp4(path, facts))
        elif _is_still(path):
            stills.append(path)
        else:
            delivered.append(path)  # audio beside the video, say: not ours to change
    if len(stills) > 1 and not any(path.suffix == MP4 for path in delivered):
        target = stills[0].with_name(stills[0].stem + MP4)
        frames_to_mp4(stills, target, fps)
        for still in stills:
            still.unlink(missing_ok=True)
        log.info("made %s from %d frames at %s fps", target.name, len(stills), fps)
        return [target, *delivered]
    return delivered + stills


def _as_mp4(path: Path, facts: VideoFacts) -> Path:
    if facts.plays_inline and path.suffix.lower() == MP4:
        return path
    target = path.with_name(path.stem + MP4)
    partial = path.with_name(path.stem + ".part" + MP4)
    copyable = (
        facts.codec == "h264" and facts.pix_fmt == "yuv420p" and facts.width % 2 == facts.height % 2 == 0
    )
    try:
        if copyable:
            remux(path, partial)
        else:
            transcode(path, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    if target != path:
        path.unlink(missing_ok=True)
    log.info("%s %s (%s, %dx%d) into %s", "remuxed" if copyable else "encoded", path.name, facts.codec,
             facts.width, facts.height, target.name)  # fmt: skip
    return target


def _is_still(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1)) <= 1
    except (UnidentifiedImageError, OSError):
        return False
