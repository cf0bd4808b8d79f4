"""A request's choice of model and LoRAs: the fields a kind's parameters take to offer it, and the binding.

A kind whose parameters inherit :class:`ModelChoiceFields` offers the choice; everything else (the job
service's checks, routing, autocomplete) asks for this class, never for a kind.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from comfy.workflows.models import LoraUse, apply_loras, lora_slot, model_slot, set_model
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds.fields import CONTROL_CHARACTERS
from core.texts import InvalidValue, Text

MAX_LORAS = 4
LORA_WEIGHT_LIMIT = 2.0
# Model files are named by their path under ComfyUI's model folder ("sdxl/juggernaut.safetensors").
MODEL_NAME_MAX_CHARS = 200


def _file_name(value: str) -> str:
    value = value.strip()
    if not value or len(value) > MODEL_NAME_MAX_CHARS or CONTROL_CHARACTERS.search(value):
        raise InvalidValue(
            Text(
                "value.file_name",
                f"must be a file name of 1 to {MODEL_NAME_MAX_CHARS} printable characters",
                {"most": MODEL_NAME_MAX_CHARS},
            )
        )
    return value


class LoraChoice(BaseModel):
    """One LoRA and how strongly it applies (to the model and to the text encoder alike)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    weight: float = Field(default=1.0, ge=-LORA_WEIGHT_LIMIT, le=LORA_WEIGHT_LIMIT)

    @field_validator("name")
    @classmethod
    def _name_is_a_file_name(cls, value: str) -> str:
        return _file_name(value)


class ModelChoiceFields(BaseModel):
    """Parameters of a kind whose workflows can be given a model and LoRAs."""

    # None keeps the workflow's own model.
    model: str | None = None
    loras: list[LoraChoice] = Field(default_factory=list, max_length=MAX_LORAS)

    @field_validator("model")
    @classmethod
    def _model_is_a_file_name(cls, value: str | None) -> str | None:
        return None if value is None else _file_name(value)

    @field_validator("loras")
    @classmethod
    def _each_lora_once(cls, loras: list[LoraChoice]) -> list[LoraChoice]:
        names = [lora.name for lora in loras]
        if len(set(names)) != len(names):
            raise InvalidValue(Text("value.lora_twice", "each LoRA may be given once"))
        return loras


def chosen_models(params: object) -> tuple[str | None, tuple[LoraChoice, ...]]:
    """The model and LoRAs a request asks for; (None, ()) for kinds that offer no choice."""
    if not isinstance(params, ModelChoiceFields):
        return None, ()
    return params.model, tuple(params.loras)


def apply_models(
    template: WorkflowTemplate, graph: dict[str, Any], params: ModelChoiceFields
) -> dict[str, Any]:
    """Set the chosen model and LoRAs on the graph copy; returns what the seed document records."""
    binding = template.binding
    recorded: dict[str, Any] = {}
    if params.model is not None:
        if model_slot(template.graph, binding.model_nodes) is None:
            raise UserFacingError(
                Text(
                    "models.no_model_loader",
                    f"The “{template.title}” workflow has no model loader I can choose a model for.",
                    {"workflow": template.title},
                )
            )
        set_model(graph, binding.model_nodes, params.model)
        recorded["model"] = params.model
    if params.loras:
        if lora_slot(template.graph, binding.model_nodes, binding.lora_nodes) is None:
            raise UserFacingError(
                Text(
                    "models.no_lora_loader",
                    f"The “{template.title}” workflow has no model loader I can add LoRAs to.",
                    {"workflow": template.title},
                )
            )
        uses = [LoraUse(lora.name, lora.weight) for lora in params.loras]
        apply_loras(graph, binding.model_nodes, binding.lora_nodes, uses)
        recorded["loras"] = [{"name": lora.name, "weight": lora.weight} for lora in params.loras]
    return recorded
