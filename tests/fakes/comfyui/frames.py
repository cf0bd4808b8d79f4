"""Binary websocket frames exactly as ComfyUI's protocol.py lays them out (big-endian uint32 headers)."""

from __future__ import annotations

import json
import struct
from typing import Any

PREVIEW_IMAGE = 1
UNENCODED_PREVIEW_IMAGE = 2  # server-internal; goes out as PREVIEW_IMAGE
TEXT = 3
PREVIEW_IMAGE_WITH_METADATA = 4

IMAGE_FORMATS = {"JPEG": 1, "PNG": 2}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def preview_image(image_format: str, image: bytes) -> bytes:
    """Type 1: `uint32 1 | uint32 format (1=JPEG, 2=PNG) | image`."""
    return struct.pack(">II", PREVIEW_IMAGE, IMAGE_FORMATS[image_format]) + image


def preview_image_with_metadata(metadata: dict[str, Any], image: bytes) -> bytes:
    """Type 4: `uint32 4 | uint32 json_len | json | image`."""
    blob = json.dumps(metadata).encode()
    return struct.pack(">II", PREVIEW_IMAGE_WITH_METADATA, len(blob)) + blob + image


def progress_text(node_id: str, text: str) -> bytes:
    """Type 3: `uint32 3 | uint32 node_id_len | node_id | utf-8 text`."""
    node = node_id.encode()
    return struct.pack(">II", TEXT, len(node)) + node + text.encode()


def preview_metadata(prompt_id: str, node_id: str, image_format: str) -> dict[str, Any]:
    return {
        "node_id": node_id,
        "prompt_id": prompt_id,
        "display_node_id": node_id,
        "parent_node_id": None,
        "real_node_id": node_id,
        "image_type": MIME_TYPES[image_format],
    }


def decode(frame: bytes) -> dict[str, Any]:
    """Split a binary frame into its parts (for tests and contract comparison)."""
    (event,) = struct.unpack(">I", frame[:4])
    out: dict[str, Any] = {"event": event}
    if event == PREVIEW_IMAGE:
        (fmt,) = struct.unpack(">I", frame[4:8])
        out.update(image_format=fmt, image=frame[8:])
    elif event == PREVIEW_IMAGE_WITH_METADATA:
        (size,) = struct.unpack(">I", frame[4:8])
        out.update(metadata=json.loads(frame[8 : 8 + size]), image=frame[8 + size :])
    elif event == TEXT:
        (size,) = struct.unpack(">I", frame[4:8])
        out.update(node_id=frame[8 : 8 + size].decode(), text=frame[8 + size :].decode())
    return out
