"""Parsing of what ComfyUI says about a prompt's nodes while it runs: cached, running, finished.

Pure functions, like ``comfy.protocol``; the router turns their results into events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comfy import events, protocol

_NUMBERS = frozenset({int, float, bool})  # what JSON numbers parse to (bool counts, as isinstance did)


def node_states(data: Mapping[str, Any]) -> tuple[events.NodeState, ...]:
    """The nodes of a ``progress_state`` message, each under the graph node it belongs to.

    A node that a group expands into is reported under its own id; ``display_node_id`` names the node
    of the posted graph it stands for.
    """
    nodes = data.get("nodes")
    if not isinstance(nodes, Mapping):
        return ()
    # Sent at every step with every node so far: the websocket reader's busiest parse, so kept lean.
    states: list[events.NodeState] = []
    for key, entry in nodes.items():
        if not isinstance(entry, Mapping):
            continue
        get = entry.get
        value: Any = get("value")
        total: Any = get("max")
        states.append(
            events.NodeState(
                str(get("display_node_id") or get("real_node_id") or key),
                str(get("state") or "running"),
                float(value) if type(value) in _NUMBERS else 0.0,
                float(total) if type(total) in _NUMBERS else 0.0,
            )
        )
    return tuple(states)


def node_states_in(message: protocol.ServerMessage) -> tuple[events.NodeState, ...]:
    """``node_states`` of a progress_state message, its data parsed now if it was read by its head."""
    return node_states(message.data)


def cached_nodes(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The node ids of an ``execution_cached`` message."""
    nodes = data.get("nodes")
    return tuple(str(node) for node in nodes) if isinstance(nodes, list) else ()
