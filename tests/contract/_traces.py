"""Recorded traces and workflows copied from the real ComfyUI 0.3.64 captures (tests/data/comfyui)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "comfyui"


def load_workflow(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = json.loads((DATA / "workflows" / f"{name}.json").read_text())
    return workflow


def load_trace(name: str) -> dict[str, Any]:
    trace: dict[str, Any] = json.loads((DATA / "traces" / f"{name}.json").read_text())
    return trace
