"""The comfy workflow functions with the built-in kinds handed in, as the application calls them."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from comfy.workflows import analysis, template
from comfy.workflows.bind import BoundWorkflow
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.graph import Graph
from comfy.workflows.node_roles import NodeRoles
from comfy.workflows.sidecar import BindingSidecar
from comfy.workflows.template import WorkflowTemplate
from core.kinds import KindParams, default_kinds

KINDS = default_kinds()


def analyse(name: str, graph: Graph, sidecar: BindingSidecar | None = None) -> NodeRoles:
    return analysis.analyse(name, graph, KINDS.shapes, sidecar)


def make_template(
    name: str, text: str | bytes, *, source: str, sidecar: BindingSidecar | None = None
) -> WorkflowTemplate:
    return template.make_template(name, text, source=source, shapes=KINDS.shapes, sidecar=sidecar)


def builtin_templates() -> list[WorkflowTemplate]:
    catalogue = KINDS.catalogue()
    return [catalogue.get(spec.default_workflow) for spec in KINDS]


def load_workflows(workflows_dir: Path | None = None) -> WorkflowCatalogue:
    return KINDS.catalogue(workflows_dir)


async def load_catalogue(workflows_dir: Path | None = None) -> WorkflowCatalogue:
    return await KINDS.load_catalogue(workflows_dir)


def bind(
    template: WorkflowTemplate,
    params: KindParams,
    *,
    filename_prefix: str | None = None,
    now: datetime | None = None,
    **_: Any,
) -> BoundWorkflow:
    """Binding as the job service does it: a request without a seed has been given one first."""
    if params.seed is None:
        params = params.model_copy(update={"seed": 0})
    return KINDS.bind(template, params, filename_prefix=filename_prefix, now=now)


def own_image_to_image_graph() -> dict[str, Any]:
    """A server's image-to-image workflow: the built-in txt2img with its own LoadImage → VAEEncode instead
    of an empty latent, at its own denoise of 0.75. Its pictures are the size of the one it loads."""
    graph: dict[str, Any] = json.loads(
        resources.files("core.kinds.templates").joinpath("txt2img.json").read_text()
    )
    [latent] = [key for key, node in graph.items() if node["class_type"] == "EmptyLatentImage"]
    [sampler] = [node for node in graph.values() if node["class_type"] == "KSampler"]
    del graph[latent]
    graph["20"] = {"class_type": "LoadImage", "inputs": {"image": "example.png"}}
    graph["21"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["20", 0], "vae": ["4", 2]}}
    sampler["inputs"].update(latent_image=["21", 0], denoise=0.75)
    return graph


def first_frame(graph: Graph, latent: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the ImageScale feeding a video latent's start_image, the LoadImage it scales): how a picture
    given to a video reaches its first frame."""
    scaler = graph[graph[latent]["inputs"]["start_image"][0]]
    assert scaler["class_type"] == "ImageScale", "the picture is scaled to the video's size first"
    loader = graph[scaler["inputs"]["image"][0]]
    assert loader["class_type"] == "LoadImage"
    return scaler, loader
