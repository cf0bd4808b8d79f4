"""The real NudeNet model (the `safety` extra) on generated pictures: it loads, runs on the CPU and gives
labelled scores; a plain picture is not flagged."""

from __future__ import annotations

import importlib.util

import pytest
from PIL import Image, ImageDraw

from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.classifier import SafetyOff
from core.safety.nudenet import load_nudenet

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nudenet") is None,
    reason="the safety extra (NudeNet) is not installed: pip install '.[safety]'",
)


def landscape_png() -> bytes:
    import io

    image = Image.new("RGB", (1024, 1024), (90, 150, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 700, 1024, 1024), fill=(40, 140, 60))
    draw.ellipse((700, 80, 880, 260), fill=(250, 220, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def test_nudenet_loads_and_does_not_flag_a_landscape() -> None:
    classifier = load_nudenet()
    assert not isinstance(classifier, SafetyOff), classifier
    checker = SafetyChecker(SafetyConfig(classifier))
    try:
        verdict = await checker.check_picture(landscape_png())
    finally:
        checker.close()
    assert verdict is not None
    assert verdict.classifier == "nudenet-320n"
    assert not verdict.flagged
    assert all(0.0 <= score <= 1.0 for score in verdict.scores.values())
