"""Parsing of what ComfyUI says about a prompt's nodes while it runs: cached, running, finished.

Pure functions, like ``comfy.protocol``; the router turns their results into events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comfy import events


def node_states(data: Mapping[str, Any]) -> tuple[events.NodeState, ...]:
    """The nodes of a ``progress_state`` message, each under the graph node it belongs to.

    A node that a group expands into is reported under its own id; ``display_node_id`` names the node
    of the posted graph it stands for.
    """
    nodes = data.get("nodes")
    states: list[events.NodeState] = []
    for key, entry in nodes.items() if isinstance(nodes, Mapping) else ():
        if not isinstance(entry, Mapping):
            continue
        shown = entry.get("display_node_id") or entry.get("real_node_id") or key
        states.append(
            events.NodeState(
                node_id=str(shown),
                state=str(entry.get("state") or "running"),
                value=_number(entry.get("value")),
                max=_number(entry.get("max")),
            )
        )
    return tuple(states)


def cached_nodes(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The node ids of an ``execution_cached`` message."""
    nodes = data.get("nodes")
    return tuple(str(node) for node in nodes) if isinstance(nodes, list) else ()


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
