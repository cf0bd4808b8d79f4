"""Upscales, the kind `/upscale` makes: an image made 2 or 4 times larger.

Built-in workflows: "upscale" (UpscaleModelLoader + ImageUpscaleWithModel, then ImageScaleBy to the factor
asked) and "upscale-basic" (ImageScaleBy alone, no model: runs on any ComfyUI), used when no backend can
run the first. An upscale model's own factor is read from its name, as they are named ("4x-UltraSharp",
"RealESRGAN_x2plus"); the first ImageScaleBy after it makes up the rest.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from PIL import Image
from pydantic import Field

from comfy.workflows import graph as g
from comfy.workflows.input_slots import find_loaders
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds.fields import LABEL_MAX_CHARS, CleanText, KindParams, seed_field
from core.kinds.spec import JobKind, KindSpec, KindTexts
from core.texts import Text

UPSCALE = JobKind("upscale")

UPSCALERS = frozenset({"ImageScaleBy", "ImageUpscaleWithModel"})
MODEL_LOADER = "UpscaleModelLoader"
# Most upscale models are 4x; a name that says nothing is taken to be one.
DEFAULT_MODEL_FACTOR = 4
# The largest picture Pillow opens (twice its MAX_IMAGE_PIXELS): anything larger it takes for a decompression
# bomb, so the bot could not fit the result to Discord's upload limit (bot/reporting/attachments.py).
MOST_PIXELS = 2 * (Image.MAX_IMAGE_PIXELS or 89_478_485)
_MODEL_FACTOR = re.compile(r"(?<![0-9a-z])([1-8])x(?![a-z0-9])|(?<![0-9])x([1-8])(?![0-9])")


class UpscaleParams(KindParams):
    factor: Literal[2, 4] = 2
    # An upscale model file (as the backend's UpscaleModelLoader lists it); None: the workflow's own.
    model: CleanText | None = Field(default=None, min_length=1, max_length=LABEL_MAX_CHARS)
    seed: int | None = seed_field()
    count: int = Field(default=1, ge=1, le=1)


def model_factor(model_name: str) -> int:
    """4 for "RealESRGAN_x4plus.pth" or "4x-UltraSharp.pth", 2 for "RealESRGAN_x2plus.pth"."""
    match = _MODEL_FACTOR.search(model_name.lower())
    return int(match[1] or match[2]) if match else DEFAULT_MODEL_FACTOR


def _upscales(graph: g.Graph, nodes: Any) -> bool:
    reads_image = "image" in find_loaders(graph)
    return reads_image and not nodes["samplers"] and any(g.class_of(n) in UPSCALERS for n in graph.values())


UPSCALE_SHAPE = WorkflowShape(
    kind=UPSCALE,
    roles={"outputs": RoleRule("output node receiving images (like SaveImage)")},
    recognises=_upscales,
)


def _ids_of(graph: dict[str, Any], class_type: str, value: str) -> list[str]:
    return [
        i for i in g.sorted_ids(graph) if g.class_of(graph[i]) == class_type and g.has_value(graph[i], value)
    ]


def apply_upscale(template: WorkflowTemplate, graph: dict[str, Any], params: UpscaleParams) -> dict[str, Any]:
    loaders = _ids_of(graph, MODEL_LOADER, "model_name")
    if params.model is not None:
        if not loaders:
            raise UserFacingError(
                Text(
                    "upscale.without_model",
                    f"The workflow '{template.title}' upscales without a model, "
                    f"so it can't use {params.model}.",
                    {"workflow": template.title, "model": params.model},
                )
            )
        for node_id in loaders:
            graph[node_id]["inputs"]["model_name"] = params.model
    by_models = 1
    for node_id in loaders:
        by_models *= model_factor(str(graph[node_id]["inputs"]["model_name"]))
    rest = params.factor / by_models
    scalers = _ids_of(graph, "ImageScaleBy", "scale_by")
    if scalers:
        graph[scalers[0]]["inputs"]["scale_by"] = round(rest, 4)
    elif rest != 1:
        raise UserFacingError(
            Text(
                "upscale.only_factor",
                f"The workflow '{template.title}' only upscales ×{by_models}.",
                {"workflow": template.title, "factor": by_models},
            )
        )
    models = [str(graph[node_id]["inputs"]["model_name"]) for node_id in loaders]
    return {"kind": UPSCALE, "factor": params.factor, "models": models, "count": 1}


def _fits(params: UpscaleParams, width: int, height: int) -> UpscaleParams:
    """UpscaleTooLarge for a result past MOST_PIXELS (a phone's 12-megapixel photo ×4), before it runs."""
    wide, tall = width * params.factor, height * params.factor
    if wide * tall <= MOST_PIXELS:
        return params
    most = f"{MOST_PIXELS / 1_000_000:.0f}"
    size, factor = f"{width}x{height}", params.factor
    if factor > 2 and width * height * 4 <= MOST_PIXELS:
        said = Text(
            "upscale.too_large",
            f"×{factor} of this {size} picture would be {wide}x{tall} pixels, more than the {most} "
            "megapixels I can deliver. Try ×2.",
            {"factor": factor, "size": size, "wide": wide, "tall": tall, "most": most},
        )
    else:
        said = Text(
            "upscale.too_large_picture",
            f"×{factor} of this {size} picture would be {wide}x{tall} pixels, more than the {most} "
            "megapixels I can deliver. Please use a smaller picture.",
            {"factor": factor, "size": size, "wide": wide, "tall": tall, "most": most},
        )
    raise UserFacingError(said)


def _describe(params: UpscaleParams) -> str | Text:
    if params.model is None:
        return f"×{params.factor}"
    return Text(
        "upscale.summary_with_model",
        f"×{params.factor} with {params.model}",
        {"factor": params.factor, "model": params.model},
    )


UPSCALE_KIND: KindSpec[UpscaleParams] = KindSpec(
    kind=UPSCALE,
    params=UpscaleParams,
    shape=UPSCALE_SHAPE,
    apply=apply_upscale,
    default_workflow="upscale",
    builtin_template="upscale_model.json",
    extra_templates={"upscale-basic": "upscale_basic.json"},
    fallback_workflows=("upscale-basic",),
    artifact_folder="images",
    typical_run_s=15.0,
    screened_texts=lambda p: [],
    summary=_describe,
    history_summary=lambda p, raw_input: _describe(p),
    main_field="factor",
    file_marker=lambda p: f"upscaled x{p.factor}",
    texts=KindTexts(noun="upscale", plural="upscales", command="upscale", mark="🔍"),
    lighter=Text("kinds.upscale.lighter", "a smaller factor"),
    inputs={"image": "required"},
    fit_to_picture=_fits,
)
