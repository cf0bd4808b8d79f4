"""Strength: how far a sampler moves away from the input it starts from (0 keeps it, 1 ignores it).

KSampler and the custom-sampling schedulers (BasicScheduler, ...) take it as ``denoise``. KSamplerAdvanced has
no denoise: it starts partway through its schedule instead, which is the same thing counted in steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from comfy.workflows import graph as g


def strength_nodes(graph: g.Graph, samplers: tuple[str, ...]) -> tuple[str, ...]:
    """The nodes that set where the first pass of samplers starts from its input.

    Only a sampler that owes nothing to another sampler counts: an SDXL refiner continues the base's
    schedule, so the base's start sets the strength of both; a hires fix (a latent upscale, or the
    picture decoded, scaled and encoded again) refines the first pass's picture with a denoise of its
    own; Stable Cascade's stage B draws stage C's result at full denoise, conditioned on it. A pass built
    on another's picture in any other way (a ControlNet hint made from it) keeps its own denoise too.
    A sampler fed ``sigmas`` takes it on the scheduler making them.
    """
    found: list[str] = []
    for sampler_id in samplers:
        node = graph.get(sampler_id)
        if node is None or any(g.is_sampler(graph[other]) for other in g.ancestors(graph, sampler_id)):
            continue
        if takes_strength(node):
            found.append(sampler_id)
        sigmas: Any = g.inputs_of(node).get("sigmas")
        scheduler = str(sigmas[0]) if g.is_link(sigmas) else ""
        if scheduler in graph and g.has_number(graph[scheduler], "denoise"):
            found.append(scheduler)
    return g.sorted_ids(found)


def takes_strength(node: Mapping[str, Any]) -> bool:
    return g.has_number(node, "denoise") or (
        g.has_number(node, "start_at_step") and g.has_number(node, "steps", minimum=1)
    )


def set_strength(graph: dict[str, Any], node_ids: tuple[str, ...], strength: float) -> None:
    """Set ``strength`` (0..1) on each node, once the steps are final (KSamplerAdvanced counts in steps)."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength {strength} is not between 0 and 1")
    for node_id in node_ids:
        node = graph[node_id]
        inputs = node["inputs"]
        if g.has_number(node, "denoise"):
            inputs["denoise"] = round(strength, 4)
        elif takes_strength(node):
            inputs["start_at_step"] = _start_step(inputs, strength)


def _start_step(inputs: dict[str, Any], strength: float) -> int:
    steps = int(inputs["steps"])
    start = math.floor(steps * (1.0 - strength) + 0.5)
    # The chain's first sampler adds the noise: it must run at least one step of its own, or the latent
    # reaches the next sampler (a refiner that adds none) as clean as it came in.
    end = inputs.get("end_at_step")
    last = min(steps, end) if isinstance(end, int) and not isinstance(end, bool) else steps
    return max(0, min(start, last - 1))
