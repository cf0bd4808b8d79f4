"""The checker: the classifier runs in its worker thread, on pictures, on a video's sampled frames."""

from __future__ import annotations

import io
import os
import sys
import threading
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.classifier import SafetyOff
from db.enums import ArtifactType
from tests.core.safety.stand_in import MARKER, MarkerClassifier


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_video(path: Path, colours: list[tuple[int, int, int]], fps: int = 8) -> None:
    """One second per colour, so each sampled slice of the clip shows its own colour."""
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        stream.time_base = Fraction(1, fps)
        index = 0
        for colour in colours:
            for _ in range(fps):
                frame = av.VideoFrame.from_image(Image.new("RGB", (64, 64), colour))
                frame.pts = index
                index += 1
                container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


async def test_a_marked_picture_is_flagged_by_a_thread_other_than_the_event_loops() -> None:
    classifier = MarkerClassifier()
    checker = SafetyChecker(SafetyConfig(classifier))
    try:
        flagged = await checker.check_picture(png(MARKER))
        clean = await checker.check_picture(png((10, 200, 10)))
    finally:
        checker.close()
    assert flagged is not None
    assert flagged.flagged
    assert flagged.classifier == "marker"
    assert clean is not None
    assert not clean.flagged
    assert threading.current_thread().name not in classifier.threads
    if sys.platform == "linux":  # where nice is per thread: the loop's thread is served first
        loop_priority = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert all(priority > loop_priority for priority in classifier.priorities)
    assert set(classifier.threads)
    assert all(name.startswith("classifier") for name in classifier.threads)


async def test_a_video_is_judged_on_frames_spread_over_it(tmp_path: Path) -> None:
    colours = [(200, 0, 0), (0, 200, 0), (0, 0, 200), MARKER]
    path = tmp_path / "clip.mp4"
    write_video(path, colours)
    classifier = MarkerClassifier()
    checker = SafetyChecker(SafetyConfig(classifier, video_frames=4))
    try:
        verdict = await checker.check_file(path, ArtifactType.VIDEO)
    finally:
        checker.close()
    assert verdict is not None
    assert verdict.flagged
    assert len(classifier.seen) == 4
    dominant = [max(range(3), key=lambda channel: seen[channel]) for seen in classifier.seen]
    assert dominant[:3] == [0, 1, 2]  # one frame from each second, in order


async def test_off_checks_nothing_and_says_why(tmp_path: Path) -> None:
    checker = SafetyChecker(SafetyConfig(SafetyOff("SAFETY_CLASSIFIER is off")))
    (tmp_path / "a.png").write_bytes(png(MARKER))
    assert await checker.check_picture(png(MARKER)) is None
    assert await checker.check_file(tmp_path / "a.png", ArtifactType.IMAGE) is None
    assert checker.off_reason == "SAFETY_CLASSIFIER is off"


async def test_songs_are_not_classified_and_unreadable_bytes_are_no_verdict(tmp_path: Path) -> None:
    classifier = MarkerClassifier()
    checker = SafetyChecker(SafetyConfig(classifier))
    (tmp_path / "song.flac").write_bytes(b"fLaC")
    try:
        assert await checker.check_file(tmp_path / "song.flac", ArtifactType.AUDIO) is None
        assert await checker.check_picture(b"not a picture") is None
    finally:
        checker.close()
    assert classifier.seen == []
