"""Which node runs next: ComfyUI's topological order with its "output nodes first" tie-breaking.

The order matters for contract tests (e.g. SD1.5 runs 4, 5, 7, 6, 3, 8, 9), so nodes are added by the same
depth-first walk (last input first) and picked by the same preference: an output node, else a node that
unblocks an output within one or two hops, else the first ready node in insertion order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def is_link(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    )


class ExecutionList:
    def __init__(
        self, prompt: dict[str, Any], is_cached: Callable[[str], bool], is_output: Callable[[str], bool]
    ) -> None:
        self._prompt = prompt
        self._is_cached = is_cached
        self._is_output = is_output
        self._pending: dict[str, None] = {}
        self._block_count: dict[str, int] = {}
        self._blocking: dict[str, dict[str, None]] = {}

    def add_node(self, node_id: str) -> None:
        stack = [node_id]
        links: list[tuple[str, str]] = []
        while stack:
            current = stack.pop()
            if current in self._pending:
                continue
            self._pending[current] = None
            self._block_count[current] = 0
            self._blocking[current] = {}
            for value in self._prompt[current]["inputs"].values():
                if is_link(value):
                    if not self._is_cached(value[0]):
                        stack.append(value[0])
                    links.append((value[0], current))
        for source, target in links:
            if self._is_cached(source):
                continue
            self.add_node(source)
            if target not in self._blocking[source]:
                self._blocking[source][target] = None
                self._block_count[target] += 1

    def is_empty(self) -> bool:
        return not self._pending

    def next_node(self) -> str:
        ready = [n for n in self._pending if self._block_count[n] == 0]
        for node in ready:
            if self._is_output(node):
                return node
        for node in ready:
            if any(self._is_output(b) for b in self._blocking[node]):
                return node
        for node in ready:
            if any(self._is_output(b2) for b in self._blocking[node] for b2 in self._blocking[b]):
                return node
        return ready[0]

    def complete(self, node_id: str) -> None:
        del self._pending[node_id]
        for blocked in self._blocking.pop(node_id, {}):
            self._block_count[blocked] -= 1
