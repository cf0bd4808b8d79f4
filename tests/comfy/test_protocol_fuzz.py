"""Whatever a server sends, parsing never raises: bad frames are dropped, odd documents give no outcome."""

from __future__ import annotations

import json
import struct
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from comfy import events, protocol, rejections
from comfy.router import EventRouter
from comfy.run import PromptRun

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.binary(max_size=64))
def test_any_bytes_are_a_frame_or_nothing(frame: bytes) -> None:
    parsed = protocol.parse_binary_frame(frame)

    assert parsed is None or isinstance(parsed, protocol.BinaryPreview | protocol.ProgressText)
    if isinstance(parsed, protocol.BinaryPreview):
        assert len(parsed.image) <= len(frame) - 8


@given(st.sampled_from([1, 3, 4]), st.integers(0, 2**32 - 1), st.binary(max_size=32))
def test_frames_with_lying_lengths_are_dropped_or_parsed(kind: int, length: int, rest: bytes) -> None:
    parsed = protocol.parse_binary_frame(struct.pack(">II", kind, length) + rest)

    if kind != 1 and length > len(rest):
        assert parsed is None


@given(json_values)
def test_any_history_entry_gives_an_outcome_or_none(doc: Any) -> None:
    entry = protocol.history_entry({"p": doc}, "p")
    outcome = protocol.outcome_from_history("p", entry) if entry is not None else None

    assert outcome is None or isinstance(outcome, events.TERMINAL_EVENTS)
    files = protocol.output_files(doc if isinstance(doc, dict) else {})
    assert all(isinstance(f.filename, str) for f in files)
    assert protocol.QueueSnapshot.parse(doc).remaining >= 0
    assert rejections.prompt_rejected(doc).user_message.startswith("The ComfyUI server refused this workflow")
    assert all(p.reason for p in rejections.node_problems(doc))


@settings(max_examples=200)
@given(st.text(max_size=12), json_values)
def test_any_text_frame_is_routed_without_raising(kind: str, data: Any) -> None:
    run = PromptRun("p", {"1": {"class_type": "X"}}, loop_time=time.monotonic)
    router = EventRouter({"p": run}, on_complete=lambda _: None, on_status=lambda _: None)
    for message_type in (kind, "executing", "progress", "executed", "execution_error", "status"):
        payload = dict(data, prompt_id="p") if isinstance(data, dict) else data
        message = protocol.parse_text_frame(json.dumps({"type": message_type, "data": payload}))
        if message is not None:
            router.on_text(message)

    assert all(isinstance(event, events.PromptEvent) for event in run._pending)
