"""Images, the kind `/imagine` makes: a prompt, style tags, negative prompt, aspect ratio, quality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from comfy.workflows import graph as g

# The front-end names the shapes and sizes an image can be made at: it takes them from here.
from comfy.workflows.aspect import COMMON_ASPECT_RATIOS as COMMON_ASPECT_RATIOS
from comfy.workflows.aspect import SIZE_MULTIPLE as SIZE_MULTIPLE
from comfy.workflows.aspect import AspectRatio, dimensions_for
from comfy.workflows.bind import scale_steps, set_text, text_of
from comfy.workflows.derive import can_derive_image, derive_image_input
from comfy.workflows.node_roles import NodeRoles
from comfy.workflows.params import Quality
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.kinds.fields import (
    CONTROL_CHARACTERS,
    MAX_STYLE_TAGS,
    NEGATIVE_MAX_CHARS,
    PROMPT_MAX_CHARS,
    STYLE_TAG_MAX_CHARS,
    AspectRatioText,
    CleanText,
    KindParams,
    PromptText,
    count_field,
    seed_field,
    strength_field,
)
from core.kinds.member_inputs import PICTURE_INPUTS
from core.kinds.model_choice import ModelChoiceFields, apply_models
from core.kinds.outpaint import (
    OUTPAINT_FIELDS,
    OutpaintFields,
    apply_outpaint,
    outpaint_refusal,
    panned_from_result,
)
from core.kinds.picture_shape import image_shape
from core.kinds.spec import InputDerivation, JobKind, KindSpec, KindTexts
from core.texts import InvalidValue, Text

IMAGE = JobKind("image")
# Midjourney-like "vary": clearly the same picture, visibly reworked.
IMAGE_TO_IMAGE_STRENGTH = 0.6


class ImageParams(KindParams, ModelChoiceFields, OutpaintFields):
    """One image request: what to draw and how (with which model and LoRAs: ModelChoiceFields; zoomed out
    of or panned from its given picture: OutpaintFields)."""

    prompt: PromptText = Field(min_length=1, max_length=PROMPT_MAX_CHARS)
    # None keeps the template's own negative prompt.
    negative_prompt: CleanText | None = Field(default=None, max_length=NEGATIVE_MAX_CHARS)
    aspect_ratio: AspectRatioText = "1:1"
    quality: Quality = "standard"
    style_tags: list[str] = Field(default_factory=list, max_length=MAX_STYLE_TAGS)
    seed: int | None = seed_field()
    count: int = count_field()
    # With an image: how far to move away from it (0 keeps it, 1 ignores it); None: the workflow's own,
    # or IMAGE_TO_IMAGE_STRENGTH when the image-to-image graph is derived from a txt2img one.
    strength: float | None = strength_field()

    @field_validator("style_tags")
    @classmethod
    def _style_tags_are_short_words(cls, tags: list[str]) -> list[str]:
        cleaned: list[str] = []
        for tag in tags:
            tag = " ".join(tag.split())
            if not tag or len(tag) > STYLE_TAG_MAX_CHARS or CONTROL_CHARACTERS.search(tag):
                raise InvalidValue(
                    Text(
                        "value.style_tag",
                        f"each style tag must be 1 to {STYLE_TAG_MAX_CHARS} printable characters",
                        {"most": STYLE_TAG_MAX_CHARS},
                    )
                )
            if tag.lower() not in (existing.lower() for existing in cleaned):
                cleaned.append(tag)
        return cleaned


def _has_size(node: Mapping[str, Any]) -> bool:
    return g.has_number(node, "width", minimum=1) and g.has_number(node, "height", minimum=1)


_SAMPLER = "sampler (a node with steps, positive and latent_image inputs, like KSampler)"
_SEED = "node taking a seed (seed or noise_seed on a sampler that adds noise)"

IMAGE_SHAPE = WorkflowShape(
    kind=IMAGE,
    roles={
        "samplers": RoleRule(_SAMPLER),
        "prompt": RoleRule(
            "prompt text encoder (like CLIPTextEncode) feeding a sampler's positive input",
            lambda n: bool(g.text_inputs(n)),
            "it has no text input",
        ),
        "latent": RoleRule(
            "empty latent image (a node with width and height, like EmptyLatentImage)",
            _has_size,
            "it has no width and height numbers of 1 or more",
            unless_inputs=True,
        ),
        "seed": RoleRule(_SEED),
        "outputs": RoleRule("output node receiving images (like SaveImage)"),
    },
    # Every workflow no other kind recognises is read as an image workflow.
    recognises=None,
    sized=True,
)


def apply_image(template: WorkflowTemplate, graph: dict[str, Any], params: ImageParams) -> dict[str, Any]:
    binding = template.binding
    prompt = ", ".join([params.prompt, *params.style_tags])
    set_text(graph, binding.prompt_nodes, prompt)
    # Without a negative encoder (zeroed negative, guidance-distilled models) there is nowhere to put one.
    negative = ""
    if binding.negative_nodes:
        if params.negative_prompt is not None:
            set_text(graph, binding.negative_nodes, params.negative_prompt)
        negative = text_of(graph[binding.negative_nodes[0]])
    # Analysis gives an image binding a base size, unless it starts from its input image (its size then).
    width: int | None = None
    height: int | None = None
    if binding.base_width and binding.base_height:
        area = binding.base_width * binding.base_height
        width, height = dimensions_for(AspectRatio.parse(params.aspect_ratio), area)
    batched = False
    for node_id in binding.latent_nodes:
        inputs = graph[node_id]["inputs"]
        inputs["width"], inputs["height"] = width, height
        if g.has_number(graph[node_id], "batch_size"):
            inputs["batch_size"], batched = params.count, True
    # None: the workflow's steps are nowhere the bot can read (a scheduler without steps): left as they are.
    steps = binding.steps.get(params.quality)
    if steps is not None:
        scale_steps(graph, binding.sampler_nodes, steps)
    chosen = apply_models(template, graph, params)
    return {
        "kind": IMAGE,
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
    } | chosen


IMAGE_TO_IMAGE = InputDerivation(
    derive=lambda graph, roles: _derive(graph, roles),
    default_strength=IMAGE_TO_IMAGE_STRENGTH,
    fits=lambda graph, roles: can_derive_image(graph, roles.latent_nodes),
)


def _derive(graph: dict[str, Any], roles: NodeRoles) -> None:
    derive_image_input(graph, roles.latent_nodes)


IMAGE_KIND: KindSpec[ImageParams] = KindSpec(
    kind=IMAGE,
    params=ImageParams,
    shape=IMAGE_SHAPE,
    apply=apply_image,
    default_workflow="txt2img",
    builtin_template="txt2img.json",
    artifact_folder="images",
    typical_run_s=20.0,
    # Never the negative prompt, where people name exactly what they do not want ("--no gore").
    screened_texts=lambda p: [p.prompt, *p.style_tags],
    summary=lambda p: p.prompt,
    history_summary=lambda p, raw_input: p.prompt or raw_input,
    main_field="prompt",
    texts=KindTexts(noun="image", plural="images", command="imagine", mark="🖼️"),
    lighter=Text("kinds.image.lighter", "a lower quality"),
    member_inputs=PICTURE_INPUTS,
    inputs={"image": "optional"},
    derivations={"image": IMAGE_TO_IMAGE},
    strength=lambda p: p.strength,
    after_inputs=apply_outpaint,
    fit_to_picture=image_shape,
    refusal=outpaint_refusal,
    made_once=OUTPAINT_FIELDS,
    from_result=panned_from_result,
)
