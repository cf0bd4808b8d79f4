"""What the core asks of an image classifier: labelled scores for one picture, on the CPU.

`scores` is plain blocking work (a model's inference); the core calls it from a worker thread, never on the
event loop (core.safety.checker). A classifier is chosen by the composition root: NudeNet when the
`safety` extra is installed (core.safety.nudenet), a stand-in in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from PIL import Image


class Classifier(Protocol):
    @property
    def name(self) -> str:
        """Which model made the scores, stored with them ("nudenet-320n")."""
        ...

    def scores(self, image: Image.Image) -> Mapping[str, float]:
        """Each label the model found in the picture with its highest confidence, 0..1 (absent: not found)."""
        ...


@dataclass(frozen=True, slots=True)
class SafetyOff:
    """No classifier runs, and why (said by `python -m bot check` and at start)."""

    reason: str


ClassifierChoice = Classifier | SafetyOff
