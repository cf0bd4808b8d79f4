"""`check`: where each workflow takes the model and LoRAs members choose, and what each backend offers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.cli.check_result import CheckResult
from comfy import protocol
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.models import LORA_CLASS, lora_slot, model_slot
from core.kinds import KindRegistry
from core.kinds.model_choice import ModelChoiceFields

# What members choose from, as /imagine's autocomplete reads it: (what, node class, input).
_OFFERS = (
    ("checkpoints", "CheckpointLoaderSimple", "ckpt_name"),
    ("diffusion models", "UNETLoader", "unet_name"),
    ("LoRAs", LORA_CLASS, "lora_name"),
)


def workflow_models(kinds: KindRegistry, catalogue: WorkflowCatalogue, names: list[str]) -> list[CheckResult]:
    """One line per workflow whose kind offers a choice of model: "workflow 'txt2img' takes its model at
    node 4 (CheckpointLoaderSimple); LoRAs: chained in as LoraLoader"."""
    results: list[CheckResult] = []
    for name in sorted(names):
        template = catalogue.get(name)
        if not issubclass(kinds.get(template.kind).params, ModelChoiceFields):
            continue
        roles = template.binding
        model = model_slot(template.graph, roles.model_nodes)
        if model is None:
            where = "has no model loader to choose a model or LoRAs for (name one in its sidecar: `model`)"
        else:
            lora = lora_slot(template.graph, roles.model_nodes, roles.lora_nodes)
            loras = f"fill node {', '.join(roles.lora_nodes)}" if roles.lora_nodes else "chained in"
            where = f"takes its model at node {roles.model_nodes[0]} ({model[0]}); LoRAs: {loras}"
            where += f" as {lora[0]}" if lora is not None else ""
        results.append(CheckResult.passed(f"workflow '{name}' {where}"))
    return results


def offered_models(url: str, object_info: Mapping[str, Any]) -> CheckResult:
    """ "ComfyUI at ... offers 2 checkpoints, 0 diffusion models and 1 LoRAs to choose from"."""
    counts = [
        f"{len(protocol.combo_choices(object_info, class_type, input_name))} {what}"
        for what, class_type, input_name in _OFFERS
    ]
    return CheckResult.passed(
        f"ComfyUI at {url} offers {', '.join(counts[:-1])} and {counts[-1]} to choose from"
    )
