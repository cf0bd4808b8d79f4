"""Reading an API-format graph: links, sinks, and the walks that find what a sampler is connected to.

A link is ``[source_node_id, output_index]`` (PROTOCOL.md section 1). The walks recognise nodes by the
inputs they have rather than by node ids, so any graph wired like ComfyUI's own templates can be bound.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

Graph = Mapping[str, Mapping[str, Any]]

# Inputs that carry a prompt's text on encoders such as CLIPTextEncode, CLIPTextEncodeSDXL(Refiner).
TEXT_INPUTS = ("text", "text_g", "text_l", "prompt")
# Conditioning that has been zeroed carries no text worth binding a negative prompt to.
ZEROING_CLASSES = frozenset({"ConditioningZeroOut"})
# Inputs through which a latent flows from its empty source to a sampler (LatentUpscale, refiners...).
LATENT_INPUTS = ("latent_image", "samples", "latent", "latents")
# Inputs that mark a node as an output whose files we collect.
OUTPUT_MEDIA_INPUTS = ("images", "audio", "video")


_SCALARS = (str, int, float, bool, type(None))


def copy_graph(graph: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of an API-format graph, as ``copy.deepcopy`` makes it but several times quicker: a
    graph is JSON, so its dicts and lists are copied and its scalars shared; anything else is deep-copied."""
    return {key: _copy_value(value) for key, value in graph.items()}


def _copy_value(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_value(item) for key, item in value.items()}
    if kind is list:
        return [_copy_value(item) for item in value]
    if kind in _SCALARS:
        return value
    return copy.deepcopy(value)


def is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[1], int)


def inputs_of(node: Mapping[str, Any]) -> Mapping[str, Any]:
    inputs = node.get("inputs")
    return inputs if isinstance(inputs, Mapping) else {}


def class_of(node: Mapping[str, Any]) -> str:
    return str(node.get("class_type", ""))


def node_order(node_id: str) -> tuple[int, str]:
    """Sort key: numeric ids in number order, others after them."""
    return (int(node_id), "") if node_id.isdecimal() else (1 << 62, node_id)


def sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids), key=node_order))


def has_value(node: Mapping[str, Any], name: str) -> bool:
    """The input is set to a literal (a widget value), not wired to another node."""
    inputs = inputs_of(node)
    return name in inputs and not is_link(inputs[name])


def has_number(node: Mapping[str, Any], name: str, minimum: float | None = None) -> bool:
    value = inputs_of(node).get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return minimum is None or value >= minimum


def text_inputs(node: Mapping[str, Any]) -> tuple[str, ...]:
    inputs = inputs_of(node)
    return tuple(name for name in TEXT_INPUTS if isinstance(inputs.get(name), str))


def is_music_encoder(node: Mapping[str, Any]) -> bool:
    """ACE-Step style encoders (TextEncodeAceStepAudio, ...1.5) take style tags and lyrics."""
    inputs = inputs_of(node)
    return isinstance(inputs.get("tags"), str) and isinstance(inputs.get("lyrics"), str)


def is_text_encoder(node: Mapping[str, Any]) -> bool:
    return bool(text_inputs(node)) or is_music_encoder(node)


def is_sampler(node: Mapping[str, Any]) -> bool:
    """KSampler-like: denoises a latent under conditioning for a number of steps (or a custom sampler)."""
    inputs = inputs_of(node)
    return (
        has_value(node, "steps") and is_link(inputs.get("positive")) and is_link(inputs.get("latent_image"))
    ) or is_custom_sampler(node)


def is_custom_sampler(node: Mapping[str, Any]) -> bool:
    """SamplerCustomAdvanced-like (ComfyUI's Flux template): steps on the scheduler making its ``sigmas``,
    conditioning through a ``guider`` (or ``positive``), the seed on the ``noise`` source."""
    inputs = inputs_of(node)
    conditioned = is_link(inputs.get("guider")) or is_link(inputs.get("positive"))
    return is_link(inputs.get("sigmas")) and is_link(inputs.get("latent_image")) and conditioned


def linked_node(graph: Graph, node_id: str, input_name: str) -> str | None:
    """The id of the node feeding ``input_name`` of ``node_id``, if it is in the graph."""
    link: Any = inputs_of(graph.get(node_id, {})).get(input_name)
    return str(link[0]) if is_link(link) and str(link[0]) in graph else None


def steps_node(graph: Graph, sampler_id: str) -> str | None:
    """Where a sampler's steps are set: on itself, or on the scheduler feeding its ``sigmas``."""
    if has_value(graph[sampler_id], "steps"):
        return sampler_id
    scheduler = linked_node(graph, sampler_id, "sigmas")
    return scheduler if scheduler is not None and has_number(graph[scheduler], "steps", minimum=1) else None


def conditioning_links(graph: Graph, sampler_id: str) -> tuple[Any, Any]:
    """The links a sampler's positive and negative conditioning come through (a custom one's guider's)."""
    inputs = inputs_of(graph[sampler_id])
    if "positive" in inputs or "guider" not in inputs:
        return inputs.get("positive"), inputs.get("negative")
    guider = linked_node(graph, sampler_id, "guider")
    # BasicGuider has one conditioning (found through the guider link), CFGGuider a negative too.
    negative = inputs_of(graph[guider]).get("negative") if guider is not None else None
    return inputs["guider"], negative


def seed_source(graph: Graph, sampler_id: str) -> str | None:
    """The node whose seed makes a sampler's noise: the sampler, or the noise source it is fed."""
    if seed_input(graph[sampler_id]) is not None:
        return sampler_id
    noise = linked_node(graph, sampler_id, "noise")
    return noise if noise is not None and seed_input(graph[noise]) is not None else None


def model_link(graph: Graph, sampler_id: str) -> Any:
    """The link a sampler's model comes through (a guider's, for a custom one)."""
    inputs = inputs_of(graph.get(sampler_id, {}))
    guider = linked_node(graph, sampler_id, "guider")
    return (
        inputs.get("model") if "model" in inputs or guider is None else inputs_of(graph[guider]).get("model")
    )


def is_latent_source(node: Mapping[str, Any]) -> bool:
    """EmptyLatentImage-like (width, height) or EmptyAceStepLatentAudio-like (seconds).

    Like :func:`is_sampler`, this looks at the shape only; unusable values are reported by the analysis.
    """
    return (has_value(node, "width") and has_value(node, "height")) or has_value(node, "seconds")


def adds_noise(node: Mapping[str, Any]) -> bool:
    """KSamplerAdvanced with ``add_noise: disable`` (an SDXL refiner) ignores its seed."""
    return bool(inputs_of(node).get("add_noise", "enable") != "disable")


def seed_input(node: Mapping[str, Any]) -> str | None:
    for name in ("seed", "noise_seed"):
        if has_number(node, name) and isinstance(inputs_of(node)[name], int):
            return name
    return None


def output_nodes(graph: Graph) -> tuple[str, ...]:
    """Sinks that receive images, audio or video: SaveImage, PreviewImage, SaveAudioMP3, SaveVideo, ..."""
    consumed = {
        str(value[0]) for node in graph.values() for value in inputs_of(node).values() if is_link(value)
    }
    return sorted_ids(
        node_id
        for node_id, node in graph.items()
        if node_id not in consumed and any(is_link(inputs_of(node).get(name)) for name in OUTPUT_MEDIA_INPUTS)
    )


def conditioning_encoders(graph: Graph, link: Any) -> set[str]:
    """Text encoders whose conditioning reaches ``link``, through pass-through nodes.

    Pass-through nodes (ConditioningSetTimestepRange, ConditioningCombine, FluxGuidance, ControlNetApply...)
    are crossed via their ``conditioning*`` inputs; ControlNetApplyAdvanced-like nodes with both
    ``positive`` and ``negative`` inputs are crossed along the side matching the output used.
    Zeroed conditioning stops the walk.
    """
    found: set[str] = set()
    seen: set[tuple[str, int]] = set()
    pending = [link]
    while pending:
        current = pending.pop()
        if not is_link(current):
            continue
        source_id, output_index = str(current[0]), current[1]
        if (source_id, output_index) in seen or source_id not in graph:
            continue
        seen.add((source_id, output_index))
        source = graph[source_id]
        if is_text_encoder(source):
            found.add(source_id)
            continue
        if class_of(source) in ZEROING_CLASSES:
            continue
        inputs = inputs_of(source)
        if is_link(inputs.get("positive")) and is_link(inputs.get("negative")) and not is_sampler(source):
            pending.append(inputs["positive"] if output_index == 0 else inputs["negative"])
            continue
        pending.extend(value for name, value in inputs.items() if name.startswith("conditioning"))
    return found


def latent_upstream(graph: Graph, node_id: str) -> Iterator[str]:
    """The nodes a latent comes through to reach ``node_id``, nearest first, following each node's first
    linked latent input (LATENT_INPUTS); the walk ends at a node without one, a dangling link or a loop."""
    seen = {node_id}
    node = graph[node_id]
    while True:
        link = next(
            (inputs_of(node)[name] for name in LATENT_INPUTS if is_link(inputs_of(node).get(name))), None
        )
        if link is None:
            return
        source_id = str(link[0])
        if source_id in seen or source_id not in graph:
            return
        seen.add(source_id)
        yield source_id
        node = graph[source_id]


def ancestors(graph: Graph, node_id: str) -> set[str]:
    """Every node whose output reaches ``node_id`` by any path of links (dangling links left out)."""
    found: set[str] = set()
    pending = [node_id]
    while pending:
        for value in inputs_of(graph[pending.pop()]).values():
            source_id = str(value[0]) if is_link(value) else None
            if source_id is not None and source_id in graph and source_id not in found:
                found.add(source_id)
                pending.append(source_id)
    found.discard(node_id)
    return found


def latent_chain(graph: Graph, sampler_id: str) -> tuple[list[str], str | None]:
    """Samplers upstream of ``sampler_id`` (nearest first) and the empty latent the chain starts from."""
    upstream: list[str] = []
    for source_id in latent_upstream(graph, sampler_id):
        node = graph[source_id]
        if is_latent_source(node):
            return upstream, source_id
        if is_sampler(node):
            upstream.append(source_id)
    return upstream, None


def new_node(class_type: str, title: str, **inputs: Any) -> dict[str, Any]:
    """A node the bot adds to a graph (its title says why, in the editor and in ComfyUI's errors)."""
    return {"class_type": class_type, "inputs": inputs, "_meta": {"title": title}}


def fresh_ids(graph: Mapping[str, Any]) -> Iterator[str]:
    """Numeric ids after the graph's highest, as ComfyUI's editor numbers nodes."""
    numbers = [int(node_id) for node_id in graph if node_id.isdecimal()]
    current = max(numbers, default=0)
    while True:
        current += 1
        yield str(current)
