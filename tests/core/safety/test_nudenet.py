"""The real NudeNet model (the `safety` extra) on generated pictures: it loads, runs on the CPU and gives
labelled scores; a plain picture is not flagged."""

from __future__ import annotations

import importlib.util
import io
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image, ImageDraw

from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.classifier import SafetyOff
from core.safety.nudenet import NudeNetClassifier, load_nudenet

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nudenet") is None,
    reason="the safety extra (NudeNet) is not installed: pip install '.[safety]'",
)


def landscape_png() -> bytes:

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


class SessionStandIn:
    """onnxruntime's session with a fixed output: three candidate boxes over three labels."""

    def __init__(self, numpy: Any) -> None:
        candidates = [
            [0, 0, 1, 1, 0.9, 0.1, 0.0],  # label A, 0.9
            [0, 0, 1, 1, 0.3, 0.6, 0.0],  # label B, 0.6 (A's 0.3 here is not this box's label)
            [0, 0, 1, 1, 0.0, 0.1, 0.15],  # label C under NudeNet's 0.2 floor: no detection
        ]
        self.output = numpy.array(candidates, dtype="float32").T[None, :, :]  # (1, 4 + labels, boxes)

    def get_inputs(self) -> list[Any]:
        return [SimpleNamespace(name="images")]

    def run(self, names: Any, feeds: dict[str, Any]) -> list[Any]:
        assert list(feeds) == ["images"]
        return [self.output]


def test_each_label_scores_its_best_candidate_box_above_nudenets_floor() -> None:
    import numpy
    from nudenet import nudenet

    classifier = NudeNetClassifier(SessionStandIn(numpy), ["A", "B", "C"], nudenet._read_image)
    scores = classifier.scores(Image.new("RGB", (64, 32), (1, 2, 3)))
    assert scores == {"A": pytest.approx(0.9), "B": pytest.approx(0.6)}
