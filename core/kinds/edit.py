"""Edits, the kind `/edit` makes: an instruction ("make it night") applied to an image by an edit model.

Built-in workflows: Qwen-Image-Edit (the default) and Flux Kontext, both in ComfyUI 0.3.64's API format with
the node and model names of its own templates. Any workflow that reads an image and conditions on it
(TextEncodeQwenImageEdit, ReferenceLatent, InstructPixToPixConditioning) is an edit workflow too.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from comfy.workflows import graph as g
from comfy.workflows.bind import set_text
from comfy.workflows.input_slots import find_loaders
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.kinds.fields import PROMPT_MAX_CHARS, KindParams, PromptText, seed_field
from core.kinds.spec import JobKind, KindSpec, KindTexts

EDIT = JobKind("edit")

# Nodes that hand an edit model the picture it edits, besides the instruction.
EDIT_CONDITIONING = frozenset(
    {
        "TextEncodeQwenImageEdit",
        "TextEncodeQwenImageEditPlus",
        "ReferenceLatent",
        "InstructPixToPixConditioning",
    }
)


class EditParams(KindParams):
    """One edit: what to change in the image the request brings."""

    instruction: PromptText = Field(min_length=1, max_length=PROMPT_MAX_CHARS)
    seed: int | None = seed_field()
    # An edit model makes one picture from one picture.
    count: int = Field(default=1, ge=1, le=1)


def _edits(graph: g.Graph, nodes: Any) -> bool:
    return "image" in find_loaders(graph) and any(g.class_of(n) in EDIT_CONDITIONING for n in graph.values())


EDIT_SHAPE = WorkflowShape(
    kind=EDIT,
    roles={
        "samplers": RoleRule("sampler (a node with steps, positive and latent_image inputs, like KSampler)"),
        "prompt": RoleRule(
            "instruction encoder (like TextEncodeQwenImageEdit or CLIPTextEncode) feeding a sampler",
            lambda n: bool(g.text_inputs(n)),
            "it has no text input",
        ),
        "seed": RoleRule("node taking a seed (seed or noise_seed on a sampler that adds noise)"),
        "outputs": RoleRule("output node receiving images (like SaveImage)"),
    },
    recognises=_edits,
)


def apply_edit(template: WorkflowTemplate, graph: dict[str, Any], params: EditParams) -> dict[str, Any]:
    set_text(graph, template.binding.prompt_nodes, params.instruction)
    return {"kind": EDIT, "instruction": params.instruction, "count": 1}


EDIT_KIND: KindSpec[EditParams] = KindSpec(
    kind=EDIT,
    params=EditParams,
    shape=EDIT_SHAPE,
    apply=apply_edit,
    default_workflow="edit",
    builtin_template="qwen_image_edit.json",
    extra_templates={"edit-kontext": "flux_kontext_edit.json"},
    fallback_workflows=("edit-kontext",),
    artifact_folder="images",
    typical_run_s=90.0,
    screened_texts=lambda p: [p.instruction],
    summary=lambda p: p.instruction,
    history_summary=lambda p, raw_input: p.instruction or raw_input,
    main_field="instruction",
    texts=KindTexts(noun="edit", plural="edits", command="edit", mark="✏️"),
    inputs={"image": "required"},
)
