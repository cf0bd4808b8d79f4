"""Recorded ComfyUI 0.3.64 traces (copied from the shared reference material) and frames rebuilt from them."""

from __future__ import annotations

import json
import struct
from functools import cache
from pathlib import Path
from typing import Any

TRACES = Path(__file__).parent / "traces"


@cache
def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TRACES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def binary_frame(bin_info: dict[str, Any]) -> bytes:
    """Rebuild a binary frame from a trace's decoded header (the trace keeps the header and magic bytes)."""
    if bin_info["binary_event"] == 1:
        return bytes.fromhex(bin_info["first_16_bytes_hex"]) + b"\x00" * (bin_info["total_len"] - 16)
    meta = json.dumps(bin_info["metadata"]).encode()
    magic = bytes.fromhex(bin_info.get("image_magic_hex", "89504e47"))
    return struct.pack(">II", 4, len(meta)) + meta + magic + b"\x00" * 16


def main_socket_frames(trace: dict[str, Any]) -> list[dict[str, Any] | bytes]:
    """What the submitting client's socket received, in order: parsed JSON messages and binary frames."""
    frames: list[dict[str, Any] | bytes] = []
    for event in trace["ws_events"]:
        if event["ws"] != "main":
            continue
        frames.append(event["msg"] if event["kind"] == "text" else binary_frame(event["bin"]))
    return frames
