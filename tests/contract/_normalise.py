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
        # Video savers put "animated": [true] beside their files, as PreviewVideo does.
        key: [
            (mask_filename(f["filename"]), f["subfolder"], f["type"]) if isinstance(f, dict) else f
            for f in files
        ]
        for key, files in sorted(output.items())
    }


def _file(saved: dict[str, Any]) -> tuple[str, str, str]:
    return mask_filename(saved["filename"]), saved["subfolder"], saved["type"]


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
        # The outputs to run: a set on the server (execution.py, validate_prompt), so sorted here.
        (type(number).__name__, graph, tuple(sorted(extra_data)), tuple(sorted(outputs))),
        {node: _files(out) for node, out in entry["outputs"].items()},
        (status["status_str"], status["completed"], tuple(m[0] for m in status["messages"])),
        tuple(tuple(sorted(m[1])) for m in status["messages"]),
        entry["meta"],
    )


def sink_nodes(workflow: dict[str, Any]) -> set[str]:
    """The nodes no other node takes an input from: the prompt's outputs."""
    used = {
        str(value[0])
        for node in workflow.values()
        for value in node.get("inputs", {}).values()
        if isinstance(value, list) and len(value) == 2
    }
    return set(workflow) - used


def by_node(shapes: list[Shape]) -> tuple[list[Shape], dict[str, list[Shape]]]:
    """(the prompt-wide messages in order, each node's own messages in order).

    ComfyUI does not fix the order in which a prompt's output nodes run: `validate_prompt` collects them in a
    set (execution.py, `good_outputs = set()`), so with two outputs the order follows the server process's
    string hashing. What it does fix is the order of the messages about each node, so a prompt with several
    outputs is compared node by node. A progress_state message counts for the nodes whose state it changed.
    """
    overall: list[Shape] = []
    lanes: dict[str, list[Shape]] = {}
    states: dict[str, tuple[Any, ...]] = {}
    running: str | None = None
    for shape in shapes:
        kind = shape[0]
        if kind == "progress_state":
            for node_id, *state in shape[2]:
                if states.get(node_id) != tuple(state):
                    states[node_id] = tuple(state)
                    lanes.setdefault(node_id, []).append((kind, shape[1], *state))
            continue
        node: str | None = None
        if kind == "executing":
            node = running = shape[2]
        elif kind == "executed":
            node = shape[2]
        elif kind == "progress":
            node = shape[4]
        elif kind == "BINARY":
            node = shape[3][1] if shape[3] is not None else running
        if node is None:
            overall.append(shape)
        else:
            lanes.setdefault(node, []).append(shape)
    return overall, lanes
