"""Pure parsing of what a ComfyUI server sends: websocket frames, history entries, queue and errors.

No I/O here, so every rule can be checked against recorded traces.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from comfy import errors, events

# Text frames have a module of their own; their names are part of this one's.
from comfy.text_frames import ServerMessage as ServerMessage
from comfy.text_frames import loads as loads
from comfy.text_frames import parse_text_frame as parse_text_frame

PREVIEW_IMAGE = 1
TEXT = 3
PREVIEW_IMAGE_WITH_METADATA = 4
_IMAGE_FORMATS = {1: "image/jpeg", 2: "image/png"}
_HEADER = struct.Struct(">I")
_TYPE1_HEADER = struct.Struct(">II")


@dataclass(frozen=True, slots=True)
class BinaryPreview:
    """A preview image frame (type 1, or type 4 which also names its prompt and node)."""

    mime: str
    image: bytes
    prompt_id: str | None = None
    node_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProgressText:
    """A type-3 frame: free text a node reports while it runs."""

    node_id: str
    text: str


def parse_binary_frame(frame: bytes) -> BinaryPreview | ProgressText | None:
    """Decode a binary frame; unknown or truncated frames are ``None``."""
    if len(frame) < 8:
        return None
    (event_type,) = _HEADER.unpack_from(frame, 0)
    if event_type == PREVIEW_IMAGE:
        _, image_format = _TYPE1_HEADER.unpack_from(frame, 0)
        return BinaryPreview(_IMAGE_FORMATS.get(image_format, "application/octet-stream"), frame[8:])
    if event_type == PREVIEW_IMAGE_WITH_METADATA:
        (meta_len,) = _HEADER.unpack_from(frame, 4)
        if 8 + meta_len > len(frame):
            return None
        try:
            meta = loads(frame[8 : 8 + meta_len])
        except ValueError:
            return None
        if not isinstance(meta, dict):
            return None
        node = meta.get("display_node_id") or meta.get("node_id")
        return BinaryPreview(
            mime=str(meta.get("image_type") or "application/octet-stream"),
            image=frame[8 + meta_len :],
            prompt_id=_str_or_none(meta.get("prompt_id")),
            node_id=_str_or_none(node),
        )
    if event_type == TEXT:
        (id_len,) = _HEADER.unpack_from(frame, 4)
        if 8 + id_len > len(frame):
            return None
        node_id = frame[8 : 8 + id_len].decode("utf-8", "replace")
        return ProgressText(node_id, frame[8 + id_len :].decode("utf-8", "replace"))
    return None


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def output_files(outputs: Mapping[str, Any]) -> tuple[events.OutputFile, ...]:
    """Every file named in ``outputs`` (history ``outputs`` or an ``executed.output`` keyed by node)."""
    files: list[events.OutputFile] = []
    for node_id, node_output in outputs.items():
        if not isinstance(node_output, Mapping):
            continue
        for kind, items in node_output.items():
            if not isinstance(items, list):
                continue
            for item in items:
                if isinstance(item, Mapping) and isinstance(item.get("filename"), str):
                    files.append(
                        events.OutputFile(
                            node_id=str(node_id),
                            kind=str(kind),
                            filename=item["filename"],
                            subfolder=str(item.get("subfolder") or ""),
                            type=str(item.get("type") or "output"),
                        )
                    )
    return tuple(files)


def execution_failed(data: Mapping[str, Any]) -> errors.ExecutionFailed:
    """Build the error from an ``execution_error`` payload (websocket or history message)."""
    node_id = str(data.get("node_id") or "")
    node_type = str(data.get("node_type") or "")
    exc_type = str(data.get("exception_type") or "")
    exc_message = str(data.get("exception_message") or "").strip()
    where = f"node {node_id} ({node_type})" if node_type else f"node {node_id}"
    return errors.ExecutionFailed(
        f"{where} raised {exc_type}: {exc_message}",
        node_id=node_id,
        node_type=node_type,
        exception_type=exc_type,
        exception_message=exc_message,
        user_message=f"The job failed in {node_type or 'a node'}: {exc_message or exc_type or 'no reason'}",
    )


def outcome_from_history(prompt_id: str, entry: Mapping[str, Any]) -> events.TerminalEvent | None:
    """The terminal event a history entry records, or ``None`` if it does not record one yet."""
    status = entry.get("status")
    status = status if isinstance(status, Mapping) else {}
    messages = status.get("messages")
    for item in reversed(messages if isinstance(messages, list) else []):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], Mapping)):
            continue
        kind, data = item
        if kind == "execution_error":
            return events.Failed(prompt_id, execution_failed(data))
        if kind == "execution_interrupted":
            return events.Interrupted(prompt_id, node_id=str(data.get("node_id") or ""))
    outputs = entry.get("outputs")
    outputs = outputs if isinstance(outputs, Mapping) else {}
    if status.get("status_str") == "success" or status.get("completed") is True:
        return events.Completed(prompt_id, outputs, output_files(outputs), _run_s(messages))
    if status.get("status_str") == "error":
        return events.Failed(prompt_id, errors.ExecutionFailed(f"history of {prompt_id} says error"))
    return None


def _run_s(messages: object) -> float | None:
    """From `execution_start` to `execution_success` in a history's messages (milliseconds since the epoch
    on the server's clock, so no clock of ours is compared with it)."""
    stamps: dict[str, float] = {}
    for item in messages if isinstance(messages, list) else []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[1], Mapping):
            stamp = item[1].get("timestamp")
            if isinstance(stamp, int | float) and not isinstance(stamp, bool):
                stamps[str(item[0])] = float(stamp)
    start, end = stamps.get("execution_start"), stamps.get("execution_success")
    if start is None or end is None or end < start:
        return None
    return (end - start) / 1000


def history_entry(doc: object, prompt_id: str) -> Mapping[str, Any] | None:
    """The entry for ``prompt_id`` in a GET /history/{id} answer; ``{}`` (not there yet) is ``None``."""
    if isinstance(doc, Mapping):
        entry = doc.get(prompt_id)
        if isinstance(entry, Mapping):
            return entry
    return None


QueueState = Literal["running", "pending", "absent"]


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """GET /queue, with ``pending`` sorted by number (the server sends heap order)."""

    running: tuple[str, ...]
    pending: tuple[str, ...]

    @classmethod
    def parse(cls, doc: object) -> QueueSnapshot:
        doc = doc if isinstance(doc, Mapping) else {}

        def items(key: str) -> list[list[Any]]:
            raw = doc.get(key)
            return [i for i in raw if isinstance(i, list) and len(i) >= 2] if isinstance(raw, list) else []

        pending = sorted(items("queue_pending"), key=lambda item: _number(item[0]))
        return cls(
            running=tuple(str(i[1]) for i in items("queue_running")),
            pending=tuple(str(i[1]) for i in pending),
        )

    def state(self, prompt_id: str) -> QueueState:
        if prompt_id in self.running:
            return "running"
        return "pending" if prompt_id in self.pending else "absent"

    def position(self, prompt_id: str) -> int | None:
        """Prompts ahead of ``prompt_id`` (0 when it runs next), ``None`` if it is not pending."""
        if prompt_id not in self.pending:
            return None
        return self.pending.index(prompt_id)

    @property
    def remaining(self) -> int:
        return len(self.running) + len(self.pending)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def queue_remaining(message: ServerMessage) -> int | None:
    """``queue_remaining`` from a ``status`` message."""
    status = message.data.get("status")
    if isinstance(status, Mapping):
        info = status.get("exec_info")
        if isinstance(info, Mapping) and isinstance(info.get("queue_remaining"), int):
            return int(info["queue_remaining"])
    return None


def combo_choices(object_info: Mapping[str, Any], class_type: str, input_name: str) -> list[str]:
    """The choices of a combo input in /object_info (how models are discovered), ``[]`` if unknown."""
    node = object_info.get(class_type)
    inputs = node.get("input") if isinstance(node, Mapping) else None
    if not isinstance(inputs, Mapping):
        return []
    for section in ("required", "optional"):
        spec = inputs.get(section)
        entry = spec.get(input_name) if isinstance(spec, Mapping) else None
        if isinstance(entry, list) and entry:
            first = entry[0]
            if isinstance(first, list):
                return [str(choice) for choice in first]
            options = entry[1] if len(entry) > 1 else None
            if first == "COMBO" and isinstance(options, Mapping) and isinstance(options.get("options"), list):
                return [str(choice) for choice in options["options"]]
    return []
