"""Recorded traces and workflows copied from the real ComfyUI 0.3.64 captures (tests/data/comfyui)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "comfyui"


def load_workflow(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = json.loads((DATA / "workflows" / f"{name}.json").read_text())
    return workflow


def load_trace(name: str) -> dict[str, Any]:
    trace: dict[str, Any] = json.loads((DATA / "traces" / f"{name}.json").read_text())
    return trace


def long_job() -> dict[str, Any]:
    """A prompt that outlasts every step of a test, so a test never races its end; it ends by interrupt.

    65536 tiny images through SaveImageWebsocket ("2", as in the recorded long_savews_interruptible): the
    node ticks ComfyUI's progress hook once per image and the hook is where an interrupt lands (main.py
    `hijack_progress` calls `throw_exception_if_processing_interrupted`), so POST /interrupt ends it at once.
    """
    workflow = load_workflow("long_savews_interruptible")
    colour = random.randrange(1 << 24)  # a fresh EmptyImage, never served from the cache
    workflow["1"]["inputs"].update(width=8, height=8, batch_size=4096, color=colour)
    workflow["3"] = {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 16}}
    workflow["2"]["inputs"]["images"] = ["3", 0]
    return workflow
