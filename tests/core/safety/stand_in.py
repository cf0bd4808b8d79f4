"""A classifier that stands in for a model in tests: it flags a picture whose top-left pixel is a marker
colour (a picture a test paints so, or the fake ComfyUI's output for a chosen seed), and records which
thread called it."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from PIL import Image

MARKER = (255, 0, 255)  # magenta: no test picture has it by chance
MARKER_LABEL = "FEMALE_BREAST_EXPOSED"  # one of the labels counted by default


def seed_colour(seed: int) -> tuple[int, int, int]:
    """The colour of the fake ComfyUI's picture made with this seed (tests/fakes/comfyui/behaviours.py)."""
    colour = (seed * 2654435761) & 0xFFFFFF
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


class MarkerClassifier:
    name = "marker"

    def __init__(self, *markers: tuple[int, int, int]) -> None:
        self.markers = markers or (MARKER,)
        self.threads: list[str] = []
        self.priorities: list[int] = []  # the calling thread's nice value (Linux: per thread)
        self.seen: list[tuple[int, int, int]] = []

    def scores(self, image: Image.Image) -> Mapping[str, float]:
        self.threads.append(threading.current_thread().name)
        self.priorities.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        pixel = image.convert("RGB").getpixel((0, 0))
        assert isinstance(pixel, tuple)
        corner = (int(pixel[0]), int(pixel[1]), int(pixel[2]))
        self.seen.append(corner)
        near = any(all(abs(a - b) <= 24 for a, b in zip(corner, m, strict=True)) for m in self.markers)
        return {MARKER_LABEL: 0.93, "FACE_FEMALE": 0.6} if near else {"FACE_FEMALE": 0.6}
