"""Find, by reading the graph, which nodes take the prompt, size, seed, steps and give the results.

Nothing is bound by node id: samplers are nodes with ``steps``, ``positive`` and ``latent_image``; the
prompt encoders are found by following each sampler's ``positive`` link back through pass-through nodes;
the empty latent by following ``latent_image`` back through other samplers (an SDXL refiner reaches the
base sampler, then the latent). A sidecar may name nodes for any parameter the analysis cannot find.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from comfy.workflows import graph as g
from comfy.workflows.errors import UnusableReason, WorkflowError
from comfy.workflows.input_slots import ROLES, find_loaders, is_loader
from comfy.workflows.models import is_lora_loader, is_model_loader, model_chain
from comfy.workflows.node_roles import QUALITY_STEP_FACTORS, NodeRoles
from comfy.workflows.params import QUALITIES, Quality
from comfy.workflows.shape import WorkflowShape, pick_shape
from comfy.workflows.sidecar import BindingSidecar, SidecarNodes
from comfy.workflows.strength import strength_nodes, takes_strength
from comfy.workflows.video import frame_rate


def analyse(
    name: str, graph: g.Graph, shapes: tuple[WorkflowShape, ...], sidecar: BindingSidecar | None = None
) -> NodeRoles:
    """The workflow's binding, or a WorkflowError listing every parameter that could not be placed.

    Its kind is the sidecar's word, else the first of ``shapes`` that recognises the graph.
    """
    sidecar = sidecar or BindingSidecar()
    chosen = sidecar.nodes
    samplers = tuple(chosen.samplers) if chosen.samplers is not None else _samplers_upstream_first(graph)
    prompt_found, negative_found = _encoders(graph, samplers)
    prompt = _pick(chosen.prompt, prompt_found)
    # A negative built from the positive encoder (zeroed, time-stepped) has no text of its own.
    negative = _pick(chosen.negative, tuple(node_id for node_id in negative_found if node_id not in prompt))
    nodes = {
        "samplers": samplers,
        "prompt": prompt,
        "negative": negative,
        "latent": _pick(chosen.latent, _latents(graph, samplers)),
        "outputs": _pick(chosen.outputs, g.output_nodes(graph)),
    }
    loader, loras = model_chain(graph, samplers[0]) if samplers else (None, ())
    nodes["model"] = _pick(chosen.model, (loader,) if loader is not None else ())
    nodes["loras"] = _pick(chosen.loras, loras)
    shape = _shape(name, graph, shapes, nodes, sidecar)
    nodes["seed"] = _pick(chosen.seed, _seed_nodes(graph, samplers, nodes["prompt"]))
    inputs = _inputs(graph, chosen)
    strength = _pick(chosen.strength, strength_nodes(graph, samplers))
    problems = _problems(graph, shape, nodes, chosen, bool(inputs)) + _slot_problems(graph, inputs, strength)
    fps = _fps(graph, shape, nodes["outputs"], sidecar)
    if shape.timed and fps is None:
        problems.append(UnusableReason.of("no_fps"))
    if problems:
        raise WorkflowError(name, problems)
    base_width, base_height = _base_size(graph, shape, nodes["latent"], sidecar)
    return NodeRoles(
        kind=shape.kind,
        prompt_nodes=nodes["prompt"],
        negative_nodes=nodes["negative"],
        latent_nodes=nodes["latent"],
        sampler_nodes=samplers,
        seed_nodes=nodes["seed"],
        output_nodes=nodes["outputs"],
        base_width=base_width,
        base_height=base_height,
        model_nodes=nodes["model"],
        lora_nodes=nodes["loras"],
        steps=_steps(graph, samplers, sidecar),
        input_nodes=inputs,
        strength_nodes=strength,
        fps=fps,
    )


def _pick(override: list[str] | None, found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(override) if override is not None else found


def _samplers_upstream_first(graph: g.Graph) -> tuple[str, ...]:
    samplers = [node_id for node_id, node in graph.items() if g.is_sampler(node)]
    depth = {node_id: len(g.latent_chain(graph, node_id)[0]) for node_id in samplers}
    return tuple(sorted(depth, key=lambda node_id: (depth[node_id], g.node_order(node_id))))


def _encoders(graph: g.Graph, samplers: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prompt: set[str] = set()
    negative: set[str] = set()
    for sampler_id in samplers:
        if sampler_id not in graph:
            continue
        positive_link, negative_link = g.conditioning_links(graph, sampler_id)
        prompt |= g.conditioning_encoders(graph, positive_link)
        negative |= g.conditioning_encoders(graph, negative_link)
    return g.sorted_ids(prompt), g.sorted_ids(negative)


def _latents(graph: g.Graph, samplers: tuple[str, ...]) -> tuple[str, ...]:
    found = (g.latent_chain(graph, sampler_id)[1] for sampler_id in samplers if sampler_id in graph)
    return g.sorted_ids(latent for latent in found if latent is not None)


def _seed_nodes(graph: g.Graph, samplers: tuple[str, ...], prompt: tuple[str, ...]) -> tuple[str, ...]:
    # Samplers that add noise, and encoders that sample (ACE-Step 1.5 generates audio codes with a seed).
    noisy = [node_id for node_id in samplers if node_id in graph and g.adds_noise(graph[node_id])]
    candidates = [source for node_id in noisy if (source := g.seed_source(graph, node_id)) is not None]
    candidates += [node_id for node_id in prompt if node_id in graph]
    return tuple(dict.fromkeys(node_id for node_id in candidates if g.seed_input(graph[node_id]) is not None))


def _shape(
    name: str,
    graph: g.Graph,
    shapes: tuple[WorkflowShape, ...],
    nodes: Mapping[str, tuple[str, ...]],
    sidecar: BindingSidecar,
) -> WorkflowShape:
    if sidecar.kind is None:
        found = pick_shape(shapes, graph, nodes)
    else:
        found = next((shape for shape in shapes if shape.kind == sidecar.kind), None)
    if found is None:
        known = ", ".join(shape.kind for shape in shapes) or "none"
        if sidecar.kind:
            raise WorkflowError(name, UnusableReason.of("not_that_kind", kind=sidecar.kind, known=known))
        raise WorkflowError(name, UnusableReason.of("no_known_kind", known=known))
    return found


def _problems(
    graph: g.Graph,
    shape: WorkflowShape,
    nodes: Mapping[str, tuple[str, ...]],
    chosen: SidecarNodes,
    reads_files: bool,
) -> list[UnusableReason]:
    problems: list[UnusableReason] = []
    for role, node_ids in nodes.items():
        missing = "sidecar_node_missing" if getattr(chosen, role) is not None else "found_node_missing"
        for node_id in node_ids:
            if node_id not in graph:
                problems.append(UnusableReason.of(missing, node=node_id, role=role))
            elif (reason := _unfit(graph[node_id], shape, role)) is not None:
                problems.append(_unfit_reason(graph, node_id, role, reason))
    for role, rule in shape.roles.items():
        if rule.missing is not None and not nodes[role] and not (rule.unless_inputs and reads_files):
            problems.append(UnusableReason.of("not_found", missing=rule.missing))
    return problems


def _unfit_reason(graph: g.Graph, node_id: str, role: str, reason: str) -> UnusableReason:
    node_class = g.class_of(graph[node_id])
    return UnusableReason.of("unfit", node=node_id, node_class=node_class, role=role, reason=reason)


# What a node in each role must have whatever the kind; a shape's rule replaces the check for its role.
_COMMON_CHECKS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "samplers": (
        lambda n: g.has_number(n, "steps", minimum=1) or g.is_custom_sampler(n),
        "it has no steps number of 1 or more",
    ),
    "prompt": (g.is_text_encoder, "it has no text input"),
    "negative": (lambda n: bool(g.text_inputs(n)), "it has no text input"),
    "latent": (g.is_latent_source, "it is not an empty latent"),
    "seed": (lambda n: g.seed_input(n) is not None, "it has no seed or noise_seed number"),
    "outputs": (lambda n: True, ""),
    "model": (is_model_loader, "it has no ckpt_name or unet_name file name"),
    "loras": (is_lora_loader, "it has no lora_name file name and model input"),
}


def _unfit(node: Mapping[str, Any], shape: WorkflowShape, role: str) -> str | None:
    check, reason = _COMMON_CHECKS[role]
    rule = shape.roles.get(role)
    if rule is not None and rule.fits is not None:
        check, reason = rule.fits, rule.unfit
    return None if check(node) else reason


def _has_size(node: Mapping[str, Any]) -> bool:
    return g.has_number(node, "width", minimum=1) and g.has_number(node, "height", minimum=1)


def _base_size(
    graph: g.Graph, shape: WorkflowShape, latents: tuple[str, ...], sidecar: BindingSidecar
) -> tuple[int | None, int | None]:
    if not shape.sized or not latents:
        return None, None
    inputs = g.inputs_of(graph[latents[0]])
    width = sidecar.defaults.width or int(inputs["width"])
    height = sidecar.defaults.height or int(inputs["height"])
    return width, height


def _fps(
    graph: g.Graph, shape: WorkflowShape, outputs: tuple[str, ...], sidecar: BindingSidecar
) -> float | None:
    if not shape.timed:
        return None
    return sidecar.defaults.fps or frame_rate(graph, outputs)


def _inputs(graph: g.Graph, chosen: SidecarNodes) -> dict[str, tuple[str, ...]]:
    found = find_loaders(graph)
    picked = {role: _pick(getattr(chosen, role), found.get(role, ())) for role in ROLES}
    return {role: node_ids for role, node_ids in picked.items() if node_ids}


def _slot_problems(
    graph: g.Graph, inputs: Mapping[str, tuple[str, ...]], strength: tuple[str, ...]
) -> list[UnusableReason]:
    problems: list[UnusableReason] = []
    checks = [(role, node_ids, is_loader, "it has no file input") for role, node_ids in inputs.items()]
    checks.append(("strength", strength, takes_strength, "it has no denoise or start_at_step"))
    for role, node_ids, fits, reason in checks:
        for node_id in node_ids:
            if node_id not in graph:
                problems.append(UnusableReason.of("sidecar_node_missing", node=node_id, role=role))
            elif not fits(graph[node_id]):
                problems.append(_unfit_reason(graph, node_id, role, reason))
    return problems


def _steps(graph: g.Graph, samplers: tuple[str, ...], sidecar: BindingSidecar) -> dict[Quality, int]:
    holder = g.steps_node(graph, samplers[0]) if samplers else None
    if holder is None:  # no sampler (an upscale), or a scheduler without steps: no quality to scale
        return {}
    template_steps = int(g.inputs_of(graph[holder])["steps"])
    overrides = sidecar.defaults.steps
    steps: dict[Quality, int] = {}
    for quality in QUALITIES:
        given = getattr(overrides, quality)
        steps[quality] = given or max(1, math.floor(template_steps * QUALITY_STEP_FACTORS[quality] + 0.5))
    return steps
