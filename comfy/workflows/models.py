"""Model and LoRA loaders, found by reading the graph, and the graph edits that choose them per job.

The model loader is the node that gives the first sampler its ``model``: a checkpoint loader (literal
``ckpt_name``, like CheckpointLoaderSimple) or a diffusion-model loader (literal ``unet_name``, like
UNETLoader), reached back through pass-through nodes (ModelSamplingFlux, LoRA loaders...). LoRA loaders are
the nodes with a literal ``lora_name`` met on that walk; the first sampler is the SDXL base, so a refiner's
own checkpoint is left alone.

A job's LoRAs fill the workflow's LoRA loaders in order; the ones left over are chained in after the last
LoRA loader (or the model loader): a LoraLoader when that node's CLIP output feeds the text encoders, else
a LoraLoaderModelOnly (a Flux UNETLoader, whose text encoders come from a separate CLIP loader).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from comfy.workflows import graph as g

MODEL_NAME_INPUTS = ("ckpt_name", "unet_name")
LORA_NAME_INPUT = "lora_name"
# What a backend must list among a loader's combo choices: (node class, input, file name).
ModelNeed = tuple[str, str, str]
LORA_CLASS = "LoraLoader"
LORA_MODEL_ONLY_CLASS = "LoraLoaderModelOnly"


@dataclass(frozen=True)
class LoraUse:
    name: str
    weight: float


def model_name_input(node: Mapping[str, Any]) -> str | None:
    """``ckpt_name`` or ``unet_name`` when the node loads a model by a literal file name."""
    return next((name for name in MODEL_NAME_INPUTS if isinstance(g.inputs_of(node).get(name), str)), None)


def is_model_loader(node: Mapping[str, Any]) -> bool:
    return model_name_input(node) is not None


def is_lora_loader(node: Mapping[str, Any]) -> bool:
    inputs = g.inputs_of(node)
    return isinstance(inputs.get(LORA_NAME_INPUT), str) and g.is_link(inputs.get("model"))


def model_chain(graph: g.Graph, sampler_id: str) -> tuple[str | None, tuple[str, ...]]:
    """The model loader feeding the sampler's ``model`` and the LoRA loaders on the way (upstream first)."""
    loras: list[str] = []
    seen: set[str] = set()
    link: Any = g.model_link(graph, sampler_id)
    while g.is_link(link):
        source_id = str(link[0])
        if source_id in seen or source_id not in graph:
            break
        seen.add(source_id)
        node = graph[source_id]
        if is_model_loader(node):
            return source_id, tuple(reversed(loras))
        if is_lora_loader(node):
            loras.append(source_id)
        link = g.inputs_of(node).get("model")
    return None, tuple(reversed(loras))


def model_needs(graph: g.Graph) -> frozenset[ModelNeed]:
    """Every model and LoRA file the graph names: what a backend must offer to run it."""
    needs: set[ModelNeed] = set()
    for node in graph.values():
        inputs = g.inputs_of(node)
        for name in (*MODEL_NAME_INPUTS, LORA_NAME_INPUT):
            value = inputs.get(name)
            if isinstance(value, str):
                needs.add((g.class_of(node), name, value))
    return frozenset(needs)


def model_slot(graph: g.Graph, model_nodes: Sequence[str]) -> tuple[str, str] | None:
    """(node class, input) whose combo choices are the models this workflow can be given."""
    for node_id in model_nodes:
        name = model_name_input(graph[node_id]) if node_id in graph else None
        if name is not None:
            return g.class_of(graph[node_id]), name
    return None


def lora_slot(
    graph: g.Graph, model_nodes: Sequence[str], lora_nodes: Sequence[str]
) -> tuple[str, str] | None:
    """(node class, input) whose choices are the LoRAs this workflow can take; None: no place for one."""
    if lora_nodes and lora_nodes[0] in graph:
        return g.class_of(graph[lora_nodes[0]]), LORA_NAME_INPUT
    if not model_nodes or model_nodes[0] not in graph:
        return None
    clip_output = _output_feeding(graph, model_nodes[0], "clip")
    return (LORA_CLASS if clip_output is not None else LORA_MODEL_ONLY_CLASS), LORA_NAME_INPUT


def set_model(graph: dict[str, Any], model_nodes: Sequence[str], name: str) -> None:
    for node_id in model_nodes:
        input_name = model_name_input(graph[node_id])
        if input_name is not None:
            graph[node_id]["inputs"][input_name] = name


def apply_loras(
    graph: dict[str, Any], model_nodes: Sequence[str], lora_nodes: Sequence[str], loras: Sequence[LoraUse]
) -> tuple[str, ...]:
    """Fill the LoRA loaders, then chain new ones in for the rest; returns the new nodes' ids."""
    for node_id, lora in zip(lora_nodes, loras, strict=False):
        _set_lora(graph[node_id], lora)
    extra = list(loras[len(lora_nodes) :])
    if not extra:
        return ()
    anchor = lora_nodes[-1] if lora_nodes else (model_nodes[0] if model_nodes else None)
    if anchor is None:
        raise ValueError("the workflow has no model loader to chain LoRA loaders to")
    added: list[str] = []
    for lora in extra:
        anchor = _insert_after(graph, anchor, lora)
        added.append(anchor)
    return tuple(added)


def _set_lora(node: dict[str, Any], lora: LoraUse) -> None:
    inputs = node["inputs"]
    inputs[LORA_NAME_INPUT] = lora.name
    for strength in ("strength_model", "strength_clip"):
        if g.has_number(node, strength):
            inputs[strength] = lora.weight


def _insert_after(graph: dict[str, Any], anchor: str, lora: LoraUse) -> str:
    """A LoRA loader taking ``anchor``'s MODEL (and CLIP) outputs, which everything else now gets from it."""
    model_output = _output_feeding(graph, anchor, "model")
    if model_output is None:
        raise ValueError(f"node {anchor} gives no model to anything")
    clip_output = _output_feeding(graph, anchor, "clip")
    node_id = _new_id(graph)
    inputs: dict[str, Any] = {"model": [anchor, model_output]}
    rewired = {(anchor, model_output): [node_id, 0]}
    if clip_output is not None:
        inputs |= {"clip": [anchor, clip_output], LORA_NAME_INPUT: lora.name}
        inputs |= {"strength_model": lora.weight, "strength_clip": lora.weight}
        rewired[(anchor, clip_output)] = [node_id, 1]
        class_type = LORA_CLASS
    else:
        inputs |= {LORA_NAME_INPUT: lora.name, "strength_model": lora.weight}
        class_type = LORA_MODEL_ONLY_CLASS
    for node in graph.values():
        node_inputs = node.get("inputs", {})
        for name, value in node_inputs.items():
            if g.is_link(value) and (str(value[0]), value[1]) in rewired:
                node_inputs[name] = list(rewired[(str(value[0]), value[1])])
    graph[node_id] = {"class_type": class_type, "inputs": inputs, "_meta": {"title": f"LoRA {lora.name}"}}
    return node_id


def _output_feeding(graph: g.Graph, source_id: str, input_name: str) -> int | None:
    """The output of ``source_id`` that some node takes as its ``input_name`` (``model``, ``clip``)."""
    for node in graph.values():
        value: Any = g.inputs_of(node).get(input_name)
        if g.is_link(value) and str(value[0]) == source_id:
            return int(value[1])
    return None


def _new_id(graph: Mapping[str, Any]) -> str:
    numbers = [int(node_id) for node_id in graph if node_id.isdecimal()]
    return str(max(numbers, default=0) + 1)
