"""progress_state frames are routed by their head and their nodes read only when the consumer takes them,
with the same result as reading the whole frame at once, whatever the frame holds."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comfy import events, node_messages, protocol
from comfy.router import EventRouter
from comfy.run import PromptRun
from tests.comfy.traces import TRACES, load, main_socket_frames

PROMPT_ID = "0b6f3c1e-8a55-4e0a-9c7b-3a1d2f4e5b6c"


def frame(prompt_id: str, nodes: object, **dumps: Any) -> str:
    """As ComfyUI's server.send_json writes it (json.dumps of {"type", "data"}), unless told otherwise."""
    return json.dumps({"type": "progress_state", "data": {"prompt_id": prompt_id, "nodes": nodes}}, **dumps)


def node(node_id: str, value: int, total: int, state: str = "running") -> dict[str, Any]:
    return {
        "value": value,
        "max": total,
        "state": state,
        "node_id": node_id,
        "prompt_id": PROMPT_ID,
        "display_node_id": node_id,
        "parent_node_id": None,
        "real_node_id": node_id,
    }


# The head as ComfyUI writes it, the rest cut short.
MALFORMED = frame(PROMPT_ID, {"3": node("3", 1, 8)})[:-20]


def routed(*texts: str, prompt_id: str = PROMPT_ID) -> PromptRun:
    run = PromptRun(prompt_id, {"3": {"class_type": "KSampler"}}, loop_time=time.monotonic)
    router = EventRouter({prompt_id: run}, on_complete=lambda _: None, on_status=lambda _: None)
    for text in texts:
        message = protocol.parse_text_frame(text)
        assert message is not None
        router.on_text(message)
    return run


async def taken(run: PromptRun) -> list[events.PromptEvent]:
    run.finish(events.Completed(run.prompt_id, {}, ()))
    return [event async for event in run]


def read_whole(text: str) -> tuple[events.NodeState, ...]:
    """What the reader made of the frame before it was read by its head: the whole frame parsed."""
    return node_messages.node_states(json.loads(text)["data"])


async def test_the_consumer_gets_the_newest_node_states_as_the_whole_frame_says() -> None:
    texts = [frame(PROMPT_ID, {"1": node("1", 1, 1, "finished"), "3": node("3", step, 8)}) for step in (1, 2)]

    got = await taken(routed(*texts))

    assert got == [events.NodeStates(PROMPT_ID, read_whole(texts[-1])), events.Completed(PROMPT_ID, {}, ())]
    assert got[0] == events.NodeStates(
        PROMPT_ID, (events.NodeState("1", "finished", 1.0, 1.0), events.NodeState("3", "running", 2.0, 8.0))
    )


async def test_node_states_replaced_before_they_are_taken_are_never_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Were the replaced malformed frames read, each would log a warning.
    newest = frame(PROMPT_ID, {"3": node("3", 5, 8)})

    with caplog.at_level(logging.WARNING, logger="comfy"):
        got = await taken(routed(MALFORMED, MALFORMED, newest))

    assert got[0] == events.NodeStates(PROMPT_ID, (events.NodeState("3", "running", 5.0, 8.0),))
    assert caplog.records == []


async def test_only_the_node_states_taken_are_built() -> None:
    reads: list[int] = []
    run = PromptRun("p", {}, loop_time=time.monotonic)
    for step in range(1, 6):
        run.push(events.NodeStates.unread("p", lambda step=step: (reads.append(step), ())[1]))
    run.push(events.NodeExecuting("p", "8", "VAEDecode"))  # what came before it is handed on, still unread
    run.push(events.NodeStates.unread("p", lambda: (reads.append(6), ())[1]))

    assert reads == []
    got = await taken(run)
    assert [type(e).__name__ for e in got] == ["NodeStates", "NodeExecuting", "NodeStates", "Completed"]
    assert reads == []  # handed over, not yet looked at
    assert [len(e.nodes) for e in got if isinstance(e, events.NodeStates)] == [0, 0]
    assert reads == [5, 6]


async def test_a_malformed_frame_taken_gives_no_nodes_and_a_warning_and_the_run_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    progress = json.dumps(
        {"type": "progress", "data": {"value": 2, "max": 8, "prompt_id": PROMPT_ID, "node": "3"}}
    )

    with caplog.at_level(logging.WARNING, logger="comfy"):
        got = await taken(routed(MALFORMED, progress))

    assert got == [
        events.NodeStates(PROMPT_ID, ()),
        events.Progress(PROMPT_ID, "3", 2.0, 8.0),
        events.Completed(PROMPT_ID, {}, ()),
    ]
    assert [r.getMessage()[:40] for r in caplog.records] == ["ignoring the rest of a malformed websock"]


@pytest.mark.parametrize(
    "text",
    [
        # The whole frame says other than its head (a repeated key): believed neither, its data is empty.
        frame(PROMPT_ID, {"3": node("3", 1, 8)})[:-1] + ', "type": "status"}',
        frame(PROMPT_ID, {"3": node("3", 1, 8)})[:-2] + ', "prompt_id": "someone-else"}}',
    ],
)
async def test_a_frame_whose_whole_contradicts_its_head_gives_no_nodes(text: str) -> None:
    got = await taken(routed(text))

    assert got[0] == events.NodeStates(PROMPT_ID, ())


@pytest.mark.parametrize(
    ("prompt_id", "dumps"),
    [
        ('quote"d', {}),  # an escape in the id
        ("café", {}),  # json.dumps escapes non-ASCII
        ("café", {"ensure_ascii": False}),
        (PROMPT_ID, {"separators": (",", ":")}),  # not as ComfyUI spaces it: read whole
        (PROMPT_ID, {"indent": 1}),
    ],
)
async def test_frames_not_written_as_comfyui_does_are_routed_all_the_same(
    prompt_id: str, dumps: dict[str, Any]
) -> None:
    text = frame(prompt_id, {"3": node("3", 4, 8)}, **dumps)

    got = await taken(routed(text, prompt_id=prompt_id))

    assert got[0] == events.NodeStates(prompt_id, (events.NodeState("3", "running", 4.0, 8.0),))


async def test_data_before_type_is_read_whole() -> None:
    text = json.dumps(
        {"data": {"prompt_id": PROMPT_ID, "nodes": {"3": node("3", 3, 8)}}, "type": "progress_state"}
    )

    got = await taken(routed(text))

    assert got[0] == events.NodeStates(PROMPT_ID, (events.NodeState("3", "running", 3.0, 8.0),))


async def test_frames_for_another_prompt_are_not_delivered() -> None:
    run = routed(frame("someone-else", {"3": node("3", 1, 8)}))

    assert await taken(run) == [events.Completed(PROMPT_ID, {}, ())]


def test_a_message_read_by_its_head_has_the_whole_frames_data() -> None:
    data = {"prompt_id": PROMPT_ID, "nodes": {"3": node("3", 1, 8)}}

    message = protocol.parse_text_frame(json.dumps({"type": "progress_state", "data": data}))

    assert message is not None
    assert (message.type, message.prompt_id) == ("progress_state", PROMPT_ID)
    assert message == protocol.ServerMessage("progress_state", data)
    assert message.data == data


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=16,
)
node_fields = st.fixed_dictionaries(
    {},
    optional={
        "value": json_values,
        "max": json_values,
        "state": json_values,
        "display_node_id": json_values,
        "real_node_id": json_values,
    },
)


@given(st.one_of(json_values, st.dictionaries(st.text(max_size=4), node_fields | json_values, max_size=4)))
def test_odd_nodes_read_by_the_head_are_what_the_whole_frame_gives(nodes: object) -> None:
    text = frame(PROMPT_ID, nodes)

    message = protocol.parse_text_frame(text)

    assert message is not None
    assert node_messages.node_states_in(message) == read_whole(text)


def test_every_progress_state_recorded_from_comfyui_is_read_by_its_head() -> None:
    # Cut short, a frame parsed whole would be dropped: one still routed was read by its head alone.
    recorded = [load(path.stem) for path in sorted(TRACES.glob("*.json"))]
    frames = [
        frame
        for trace in recorded
        if "ws_events" in trace
        for frame in main_socket_frames(trace)
        if isinstance(frame, dict) and frame["type"] == "progress_state"
    ]

    assert len(frames) > 10
    for frame in frames:
        message = protocol.parse_text_frame(json.dumps(frame)[:-1])
        assert message is not None
        assert (message.type, message.prompt_id) == ("progress_state", frame["data"]["prompt_id"])
