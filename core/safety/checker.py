"""Running the classifier off the event loop: one worker thread, so one picture at a time whatever asks.

The model's inference and OpenCV's resizing release the GIL; with a single intra-op thread (core.safety.
nudenet) the event loop keeps the other core (bench/classifier.py measures both).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from core.safety import frames
from core.safety.classifier import Classifier, ClassifierChoice, SafetyOff
from core.safety.verdict import Thresholds, Verdict, combined, decide
from db.enums import ArtifactType

log = logging.getLogger(__name__)

DEFAULT_VIDEO_FRAMES = 4
# The classifier's thread runs at a lower priority (nice) than the event loop's: on a busy machine the
# scheduler then gives the loop its CPU first, and a picture waits a little longer instead.
_NICER_BY = 10


@dataclass(frozen=True)
class SafetyConfig:
    """The classifier chosen by the composition root (or why there is none) and what counts as flagged."""

    classifier: ClassifierChoice = field(default_factory=lambda: SafetyOff("no classifier was configured"))
    thresholds: Thresholds = field(default_factory=Thresholds)
    video_frames: int = DEFAULT_VIDEO_FRAMES


class SafetyChecker:
    def __init__(self, config: SafetyConfig) -> None:
        self._config = config
        self._pool: ThreadPoolExecutor | None = None

    @property
    def classifier(self) -> Classifier | None:
        choice = self._config.classifier
        return None if isinstance(choice, SafetyOff) else choice

    @property
    def off_reason(self) -> str | None:
        choice = self._config.classifier
        return choice.reason if isinstance(choice, SafetyOff) else None

    async def check_picture(self, data: bytes) -> Verdict | None:
        """An input picture's verdict; None when safety is off or the bytes are no picture Pillow reads."""
        return await self._run(lambda: [frames.picture(data)], "an input picture")

    async def check_file(self, path: Path, media: ArtifactType) -> Verdict | None:
        """A result's verdict: an image, or a video's sampled frames; None for other files (songs)."""
        if media is ArtifactType.IMAGE:
            return await self._run(lambda: [frames.picture_file(path)], path.name)
        if media is ArtifactType.VIDEO:
            count = self._config.video_frames
            return await self._run(lambda: frames.video_frames(path, count), path.name)
        return None

    async def _run(self, pictures: Callable[[], Iterable[Image.Image]], what: str) -> Verdict | None:
        classifier = self.classifier
        if classifier is None:
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="classifier", initializer=_yield_to_the_loop
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, self._judge, classifier, pictures)
        except Exception as exc:  # a picture Pillow or FFmpeg cannot read: their errors have no common type
            log.warning("the classifier could not read %s (%s: %s)", what, type(exc).__name__, exc)
            return None

    def _judge(self, classifier: Classifier, pictures: Callable[[], Iterable[Image.Image]]) -> Verdict | None:
        thresholds = self._config.thresholds
        return combined(decide(classifier.name, classifier.scores(p), thresholds) for p in pictures())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _yield_to_the_loop() -> None:
    """Lower this worker thread's scheduling priority (Linux sets nice per thread; elsewhere a no-op)."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + _NICER_BY)
    except (AttributeError, OSError) as exc:  # no setpriority on this platform, or not allowed
        log.debug("the classifier thread keeps its priority (%s)", exc)
