"""Turn recorded trace events and live frames into comparable shapes.

What legitimately differs between two runs is dropped or masked: prompt ids, sids, timestamps, file
counters (`_00003_`), the random temp suffix (`_temp_abcde_`), image sizes and execution-set order.
Everything else — message order, types, field names, node ids, progress values, binary frame types and
headers, image magic bytes — is kept.
"""

from __future__ import annotations

import re
from typing import Any

from tests.contract._recorder import Frame

IMAGE_FORMAT_CODES = {"JPEG": 1, "PNG": 2}
Shape = tuple[Any, ...]


def mask_filename(name: str) -> str:
    name = re.sub(r"_temp_[a-z]{5}_", "_temp_?????_", name)
    return re.sub(r"_\d{5}_\.", "_#####_.", name)


def _files(output: dict[str, Any] | None) -> Any:
    if output is None:
        return None
    return {
        key: [(mask_filename(f["filename"]), f["subfolder"], f["type"]) for f in files]
        for key, files in sorted(output.items())
    }


def text_shape(msg: dict[str, Any]) -> Shape:
    kind = msg["type"]
    data = msg["data"]
    keys = tuple(sorted(data))
    if kind == "status":
        return (kind, keys, data["status"]["exec_info"]["queue_remaining"])
    if kind == "executing":
        return (kind, keys, data["node"])
    if kind == "execution_cached":
        return (kind, keys, tuple(sorted(data["nodes"])))
    if kind == "progress":
        return (kind, keys, data["value"], data["max"], data["node"])
    if kind == "progress_state":
        nodes = tuple(
            (node_id, tuple(sorted(s)), s["state"], s["value"], s["max"])
            for node_id, s in data["nodes"].items()
        )
        return (kind, keys, nodes)
    if kind == "executed":
        return (kind, keys, data["node"], _files(data["output"]))
    if kind in ("execution_error", "execution_interrupted"):
        return (kind, keys, data["node_id"], data["node_type"], tuple(sorted(data["executed"])))
    if kind == "feature_flags":
        return (kind, keys, tuple(sorted(data.items())))
    return (kind, keys)


def binary_shape(event: int, image_format: int | None, metadata: dict[str, Any] | None, magic: str) -> Shape:
    meta: Any = None
    if metadata is not None:
        meta = (tuple(sorted(metadata)), metadata["node_id"], metadata["image_type"])
    return ("BINARY", event, image_format, meta, magic)


def recorded_shape(event: dict[str, Any]) -> Shape:
    if event["kind"] == "text":
        return text_shape(event["msg"])
    header = event["bin"]
    fmt = header.get("image_format")
    return binary_shape(
        header["binary_event"],
        IMAGE_FORMAT_CODES.get(fmt) if fmt is not None else None,
        header.get("metadata"),
        header["image_magic_hex"][:8],
    )


def live_shape(frame: Frame) -> Shape:
    if frame.msg is not None:
        return text_shape(frame.msg)
    assert frame.binary is not None
    b = frame.binary
    return binary_shape(b["event"], b.get("image_format"), b.get("metadata"), b["image"][:4].hex())


def history_shape(entry: dict[str, Any]) -> Shape:
    number, _prompt_id, graph, extra_data, outputs = entry["prompt"]
    status = entry["status"]
    return (
        tuple(entry),
        (type(number).__name__, graph, tuple(sorted(extra_data)), tuple(outputs)),
        {node: _files(out) for node, out in entry["outputs"].items()},
        (status["status_str"], status["completed"], tuple(m[0] for m in status["messages"])),
        tuple(tuple(sorted(m[1])) for m in status["messages"]),
        entry["meta"],
    )
