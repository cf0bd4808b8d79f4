"""A classifier that stands in for a model in tests: it flags a picture whose top-left pixel is the marker
colour (a picture a test or the fake ComfyUI paints so), and records which thread called it."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from PIL import Image

MARKER = (255, 0, 255)  # magenta: no test picture has it by chance
MARKER_LABEL = "FEMALE_BREAST_EXPOSED"  # one of the labels counted by default


class MarkerClassifier:
    name = "marker"

    def __init__(self) -> None:
        self.threads: list[str] = []
        self.seen: list[tuple[int, int, int]] = []

    def scores(self, image: Image.Image) -> Mapping[str, float]:
        self.threads.append(threading.current_thread().name)
        pixel = image.convert("RGB").getpixel((0, 0))
        assert isinstance(pixel, tuple)
        corner = (int(pixel[0]), int(pixel[1]), int(pixel[2]))
        self.seen.append(corner)
        near = all(abs(a - b) <= 24 for a, b in zip(corner, MARKER, strict=True))
        return {MARKER_LABEL: 0.93, "FACE_FEMALE": 0.6} if near else {"FACE_FEMALE": 0.6}
