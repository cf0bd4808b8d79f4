"""Put a user's parameters into a copy of a template's graph, ready for ``POST /prompt``."""

from __future__ import annotations

import copy
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from comfy.workflows import graph as g
from comfy.workflows.aspect import AspectRatio, dimensions_for
from comfy.workflows.binding import WorkflowKind
from comfy.workflows.errors import WorkflowError
from comfy.workflows.music import ace_step_lyrics, ace_step_tags, time_signature_numerator
from comfy.workflows.params import ImageParams, SongParams
from comfy.workflows.template import WorkflowTemplate

# ComfyUI caches identical graphs (PROTOCOL.md section 13.3), so every job gets a fresh seed. Kept below
# 2**53 so the seed survives any JSON reader, JavaScript included.
RANDOM_SEED_LIMIT = 2**53
_PREFIX = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class BoundWorkflow:
    graph: dict[str, Any]
    seed: int
    output_node_ids: tuple[str, ...]
    # The artifact's seed document: what was asked, with which seed, and when.
    metadata: dict[str, Any]


def bind(
    template: WorkflowTemplate,
    params: ImageParams | SongParams,
    *,
    filename_prefix: str | None = None,
    now: datetime | None = None,
) -> BoundWorkflow:
    """A deep copy of the template's graph with ``params`` applied; the template is left untouched."""
    expected = WorkflowKind.IMAGE if isinstance(params, ImageParams) else WorkflowKind.SONG
    if template.kind is not expected:
        raise WorkflowError(
            template.name, f"is a {template.kind} workflow and cannot take {expected} parameters"
        )
    prefix = filename_prefix or f"{template.kind}/{re.sub(r'[^A-Za-z0-9_-]', '_', template.name)}"
    if not _PREFIX.match(prefix):
        raise ValueError(f"filename prefix {prefix!r} must be words separated by '/'")
    graph: dict[str, Any] = copy.deepcopy(dict(template.graph))
    seed = params.seed if params.seed is not None else secrets.randbelow(RANDOM_SEED_LIMIT)
    if isinstance(params, ImageParams):
        metadata = _bind_image(template, graph, params)
    else:
        metadata = _bind_song(template, graph, params)
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
    return BoundWorkflow(graph, seed, template.binding.output_nodes, metadata)


def _bind_image(template: WorkflowTemplate, graph: dict[str, Any], params: ImageParams) -> dict[str, Any]:
    binding = template.binding
    prompt = ", ".join([params.prompt, *params.style_tags])
    _set_text(graph, binding.prompt_nodes, prompt)
    # Without a negative encoder (zeroed negative, guidance-distilled models) there is nowhere to put one.
    negative = ""
    if binding.negative_nodes:
        if params.negative_prompt is not None:
            _set_text(graph, binding.negative_nodes, params.negative_prompt)
        negative = _text_of(graph[binding.negative_nodes[0]])
    # Analysis guarantees an image binding has a base size.
    area = (binding.base_width or 0) * (binding.base_height or 0)
    width, height = dimensions_for(AspectRatio.parse(params.aspect_ratio), area)
    batched = False
    for node_id in binding.latent_nodes:
        inputs = graph[node_id]["inputs"]
        inputs["width"], inputs["height"] = width, height
        if g.has_number(graph[node_id], "batch_size"):
            inputs["batch_size"], batched = params.count, True
    steps = binding.steps[params.quality]
    _scale_steps(graph, binding.sampler_nodes, steps)
    return {
        "kind": "image",
        "prompt": params.prompt,
        "negative_prompt": negative,
        "aspect_ratio": params.aspect_ratio,
        "quality": params.quality,
        "style_tags": list(params.style_tags),
        # A latent without batch_size makes one image whatever was asked.
        "count": params.count if batched else 1,
        "width": width,
        "height": height,
        "steps": steps,
    }


def _set_text(graph: dict[str, Any], node_ids: tuple[str, ...], text: str) -> None:
    for node_id in node_ids:
        for name in g.text_inputs(graph[node_id]):
            graph[node_id]["inputs"][name] = text


def _text_of(node: dict[str, Any]) -> str:
    names = g.text_inputs(node)
    return str(node["inputs"][names[0]]) if names else ""


def _scale_steps(graph: dict[str, Any], sampler_ids: tuple[str, ...], reference_steps: int) -> None:
    """Give the first sampler ``reference_steps`` and scale every sampler alike.

    KSamplerAdvanced's ``start_at_step`` / ``end_at_step`` scale too, so an SDXL base that stops at 20 of
    25 and a refiner that starts at 20 still meet at the same point; values at or past the end ("10000")
    keep meaning "to the end".
    """
    factor = reference_steps / int(graph[sampler_ids[0]]["inputs"]["steps"])
    for node_id in sampler_ids:
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


def _bind_song(template: WorkflowTemplate, graph: dict[str, Any], params: SongParams) -> dict[str, Any]:
    binding = template.binding
    duration = params.duration
    if duration is None:
        duration = float(graph[binding.latent_nodes[0]]["inputs"]["seconds"])
    batched = False
    for node_id in binding.latent_nodes:
        inputs = graph[node_id]["inputs"]
        inputs["seconds"] = duration
        if g.has_number(graph[node_id], "batch_size"):
            inputs["batch_size"], batched = params.count, True
    tags = ""
    for node_id in binding.prompt_nodes:
        tags = _bind_music_encoder(graph[node_id], params, duration)
    return {
        "kind": "song",
        "title": params.title,
        "genre": params.genre,
        "mood": params.mood,
        "tempo": params.tempo,
        "key": params.key,
        "time_signature": params.time_signature,
        "duration": duration,
        "count": params.count if batched else 1,
        "tags": tags,
    }


def _bind_music_encoder(node: dict[str, Any], params: SongParams, duration: float) -> str:
    """Set tags and lyrics; where the encoder has its own musical inputs (ACE-Step 1.5) use them.

    Returns the tags used. Without any descriptor the template's own tags are kept.
    """
    inputs = node["inputs"]
    musical: list[str | None] = [params.genre, params.mood]
    if params.tempo is not None:
        if g.has_number(node, "bpm"):
            inputs["bpm"] = params.tempo
        else:
            musical.append(f"{params.tempo} bpm")
    if params.key is not None:
        if g.has_value(node, "keyscale"):
            inputs["keyscale"] = params.key
        else:
            musical.append(params.key)
    if params.time_signature is not None:
        if g.has_value(node, "timesignature"):
            inputs["timesignature"] = time_signature_numerator(params.time_signature)
        else:
            musical.append(f"{params.time_signature} time")
    if g.has_number(node, "duration"):
        inputs["duration"] = duration
    tags = ace_step_tags(musical)
    if tags:
        inputs["tags"] = tags
    inputs["lyrics"] = ace_step_lyrics(params.lyrics)
    return str(inputs["tags"])
