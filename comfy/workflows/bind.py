"""Put a user's parameters into a copy of a template's graph, ready for ``POST /prompt``.

What the parameters of each kind mean is the application's: it hands :func:`bind` a function that sets
them on the copy. This module sets what every kind shares (seed, file name prefix, the seed document) and
offers the graph edits kinds have in common.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from comfy.workflows import graph as g
from comfy.workflows.template import WorkflowTemplate

# Sets a kind's parameters on the graph copy and returns what the seed document records of them.
ApplyParams = Callable[[dict[str, Any]], dict[str, Any]]

# ComfyUI caches identical graphs (PROTOCOL.md section 13.3), so every job needs a fresh seed. Random
# seeds stay below 2**53 so they survive any JSON reader, JavaScript included.
RANDOM_SEED_LIMIT = 2**53
_PREFIX = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class BoundWorkflow:
    graph: dict[str, Any]
    output_node_ids: tuple[str, ...]
    # The artifact's seed document: what was asked, with which seed, and when.
    metadata: dict[str, Any]


def bind(
    template: WorkflowTemplate,
    apply: ApplyParams,
    *,
    seed: int,
    filename_prefix: str | None = None,
    now: datetime | None = None,
) -> BoundWorkflow:
    """A deep copy of the template's graph with ``apply`` and ``seed`` applied; the template is untouched."""
    prefix = filename_prefix or f"{template.kind}/{re.sub(r'[^A-Za-z0-9_-]', '_', template.name)}"
    if not _PREFIX.match(prefix):
        raise ValueError(f"filename prefix {prefix!r} must be words separated by '/'")
    graph: dict[str, Any] = g.copy_graph(template.graph)
    metadata = apply(graph)
    for node_id in template.binding.seed_nodes:
        name = g.seed_input(graph[node_id])
        if name is not None:
            graph[node_id]["inputs"][name] = seed
    for node_id in template.binding.output_nodes:
        if g.has_value(graph[node_id], "filename_prefix"):
            graph[node_id]["inputs"]["filename_prefix"] = prefix
    metadata |= {
        "seed": seed,
        "workflow": template.name,
        "workflow_version": template.version,
        "generated_at": (now or datetime.now(UTC)).isoformat(),
    }
    return BoundWorkflow(graph, template.binding.output_nodes, metadata)


def set_text(graph: dict[str, Any], node_ids: tuple[str, ...], text: str) -> None:
    for node_id in node_ids:
        for name in g.text_inputs(graph[node_id]):
            graph[node_id]["inputs"][name] = text


def text_of(node: dict[str, Any]) -> str:
    names = g.text_inputs(node)
    return str(node["inputs"][names[0]]) if names else ""


def scale_steps(graph: dict[str, Any], sampler_ids: tuple[str, ...], reference_steps: int) -> None:
    """Give the first sampler ``reference_steps`` and scale every sampler alike.

    KSamplerAdvanced's ``start_at_step`` / ``end_at_step`` scale too, so an SDXL base that stops at 20 of
    25 and a refiner that starts at 20 still meet at the same point; values at or past the end ("10000")
    keep meaning "to the end".
    """
    holders = [g.steps_node(graph, node_id) for node_id in sampler_ids]
    # A custom sampler's steps are on its scheduler; a scheduler shared by two samplers is scaled once.
    holders_in_order = list(dict.fromkeys(holder for holder in holders if holder is not None))
    if not holders_in_order:
        return
    factor = reference_steps / int(graph[holders_in_order[0]]["inputs"]["steps"])
    for node_id in holders_in_order:
        inputs = graph[node_id]["inputs"]
        old = int(inputs["steps"])
        new = max(1, _round(old * factor))
        inputs["steps"] = new
        for name in ("start_at_step", "end_at_step"):
            value = inputs.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value < old:
                inputs[name] = min(new, _round(value * new / old))


def _round(value: float) -> int:
    return math.floor(value + 0.5)
