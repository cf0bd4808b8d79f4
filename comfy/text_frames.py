"""Websocket text frames: ``{"type": ..., "data": {...}}`` as ComfyUI writes them (``comfy.protocol``
names these too).

Pure and I/O-free; the websocket reader calls :func:`parse_text_frame` for every text frame (~36 a job,
16 of them ``progress_state``), so it stays cheap.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from pydantic_core import from_json

log = logging.getLogger(__name__)

# How ComfyUI's server.send_json (aiohttp's, json.dumps with its default spacing) begins a progress_state
# frame: {"type": ..., "data": {"prompt_id": ..., "nodes": ...}} with the keys in the order its progress
# handler builds them. Type and prompt id are all the router needs; the node list, the bulk of the frame,
# is parsed only if the run's consumer takes the frame (most are replaced by the next step's first).
_PROGRESS_STATE_HEAD = '{"type": "progress_state", "data": {"prompt_id": "'
_HEAD_LENGTH = len(_PROGRESS_STATE_HEAD)


class ServerMessage:
    """One JSON text frame: ``{"type": ..., "data": {...}}``.

    A frame read by its head alone (see :func:`parse_text_frame`) parses the rest when ``data`` is first
    read.
    """

    __slots__ = ("_data", "_text", "prompt_id", "type")

    def __init__(self, type: str, data: Mapping[str, Any]) -> None:
        self.type = type
        self._data = data
        self._text: str | None = None
        prompt_id = data.get("prompt_id")
        self.prompt_id = prompt_id if isinstance(prompt_id, str) else None

    @classmethod
    def head_only(cls, type: str, prompt_id: str, text: str) -> ServerMessage:
        message = cls(type, {})
        message.prompt_id, message._text = prompt_id, text
        return message

    @property
    def data(self) -> Mapping[str, Any]:
        if self._text is not None:
            self._data, self._text = _rest_of(self._text, self.type, self.prompt_id), None
        return self._data

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerMessage):
            return NotImplemented
        return (self.type, self.data) == (other.type, other.data)

    __hash__ = None  # type: ignore[assignment] # its data is a dict

    def __repr__(self) -> str:
        return f"ServerMessage(type={self.type!r}, data={self.data!r})"


def loads(text: str | bytes) -> Any:
    """JSON as ComfyUI writes it. pydantic-core's parser reads a frame 1.5-2.5 times as fast as the
    standard library's (the websocket reader parses ~40 a job); what it refuses, a lone surrogate escape
    that Python's json.dumps writes and json.loads reads back, goes to the standard library. Raises
    ValueError on anything that is not JSON."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


def parse_text_frame(text: str | bytes) -> ServerMessage | None:
    """Parse a text frame; anything malformed is ``None`` (logged by the caller, never fatal).

    A ``progress_state`` frame that begins as ComfyUI writes it is read by that head alone, the rest
    when its data is first asked for (if the rest then proves malformed: empty data and a warning).
    """
    if type(text) is str and text.startswith(_PROGRESS_STATE_HEAD):
        end = text.find('"', _HEAD_LENGTH)
        # An id with an escape in it (never one ComfyUI or this client makes) is read the long way.
        if end > _HEAD_LENGTH and text.find("\\", _HEAD_LENGTH, end) < 0:
            return ServerMessage.head_only("progress_state", text[_HEAD_LENGTH:end], text)
    return _parse_whole(text)


def _parse_whole(text: str | bytes) -> ServerMessage | None:
    try:
        doc = loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("type"), str):
        return None
    data = doc.get("data")
    return ServerMessage(doc["type"], data if isinstance(data, dict) else {})


def _rest_of(text: str, kind: str, prompt_id: str | None) -> Mapping[str, Any]:
    """The data of a frame read by its head: ``{}`` (and a warning) if the frame is not JSON after all,
    or says other than its head did (a key repeated further on)."""
    message = _parse_whole(text)
    if message is None or message.type != kind or message.prompt_id != prompt_id:
        log.warning("ignoring the rest of a malformed websocket frame: %.200s", text)
        return {}
    return message.data
