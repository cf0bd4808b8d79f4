"""Node-by-node comparison for prompts with several outputs: no order between outputs, order within each."""

from __future__ import annotations

from typing import Any

from tests.contract._normalise import Shape, by_node, sink_nodes

KEYS = ("node", "prompt_id")
WORKFLOW: dict[str, Any] = {
    "1": {"class_type": "EmptyImage", "inputs": {"width": 8}},
    "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
    "3": {"class_type": "SaveImageWebsocket", "inputs": {"images": ["2", 0]}},
    "4": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}},
}


def _state(*nodes: tuple[str, str]) -> Shape:
    return ("progress_state", ("nodes", "prompt_id"), tuple((n, ("state",), s, 0.0, 1.0) for n, s in nodes))


def _output_run(node: str, done: tuple[tuple[str, str], ...]) -> list[Shape]:
    return [
        _state(*done, (node, "running")),
        ("executing", KEYS, node),
        ("BINARY", 1, 2, None, "89504e47"),
        ("executed", ("display_node", "node", "output", "prompt_id"), node, {}),
        _state(*done, (node, "finished")),
    ]


def _stream(first: str, second: str) -> list[Shape]:
    shared = (("1", "finished"), ("2", "finished"))
    return [
        ("execution_start", ("prompt_id", "timestamp")),
        *_output_run(first, shared),
        *_output_run(second, (*shared, (first, "finished"))),
        ("execution_success", ("prompt_id", "timestamp")),
    ]


def test_the_outputs_of_a_prompt_are_its_sink_nodes() -> None:
    assert sink_nodes(WORKFLOW) == {"3", "4"}


def test_two_outputs_run_in_either_order_compare_equal() -> None:
    assert by_node(_stream("3", "4")) == by_node(_stream("4", "3"))


def test_a_node_whose_own_messages_come_in_another_order_does_not() -> None:
    swapped = _stream("3", "4")
    executing, binary = swapped[2], swapped[3]
    swapped[2], swapped[3] = binary, executing  # the image before its node started
    assert by_node(swapped) != by_node(_stream("3", "4"))


def test_prompt_wide_messages_keep_their_order() -> None:
    reordered = _stream("3", "4")
    reordered[0], reordered[-1] = reordered[-1], reordered[0]
    assert by_node(reordered) != by_node(_stream("3", "4"))
