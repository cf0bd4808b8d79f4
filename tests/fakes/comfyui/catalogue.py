"""The node classes available right now, with combo choices resolved from FakeConfig and input/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .config import FakeConfig
from .media_node_specs import MEDIA_SPECS
from .model_node_specs import MODEL_SPECS
from .node_specs import ALL_SPECS as _BASIC_SPECS
from .node_specs import FROM_CONFIG, NodeSpec
from .video_nodes import video_specs

ALL_SPECS = _BASIC_SPECS | MODEL_SPECS | MEDIA_SPECS | {spec.name: spec for spec in video_specs()}
# Inputs that list the same model folder share one FakeConfig.models entry.
_SHARED_LISTS = {
    "DualCLIPLoader.clip_name2": "DualCLIPLoader.clip_name1",
    "CLIPLoader.clip_name": "DualCLIPLoader.clip_name1",
    "LoraLoaderModelOnly.lora_name": "LoraLoader.lora_name",
}


def _custom_node(class_type: str) -> NodeSpec:
    """A stand-in for a custom node class the fake has no spec for: accepts any inputs, wildcard outputs."""
    return NodeSpec(class_type, class_type, "custom", "custom", {}, ["*"] * 4, python_module="custom_nodes")


class Catalogue:
    """The node classes available right now, with combo choices resolved from config and input/."""

    def __init__(
        self,
        config: FakeConfig,
        input_files: dict[str, list[str]] | None = None,
        file_exists: Callable[[str], bool] | None = None,
    ) -> None:
        self._config = config
        # "Class.input" -> files in input/ that the real server would list there (by content type).
        self._input_files = input_files or {}
        # What a loader's VALIDATE_INPUTS asks: does this (possibly annotated, possibly nested) name exist?
        self.file_exists = file_exists or (lambda _name: False)

    def get(self, class_type: str) -> NodeSpec | None:
        if class_type in self._config.missing_node_classes:
            return None
        spec = ALL_SPECS.get(class_type)
        if spec is None:
            return _custom_node(class_type) if class_type in self._config.extra_node_classes else None
        if spec.only_when_configured and class_type not in self._config.extra_node_classes:
            return None
        return spec

    def names(self) -> list[str]:
        known = [name for name in ALL_SPECS if self.get(name) is not None]
        custom = sorted(n for n in self._config.extra_node_classes if n not in ALL_SPECS and self.get(n))
        return known + custom

    def resolve(self, class_type: str, input_name: str, raw: list[Any]) -> list[Any]:
        """An input spec with today's choices: config.models["Class.input"] replaces any combo's list."""
        io_type = raw[0]
        key = f"{class_type}.{input_name}"
        if io_type is FROM_CONFIG or (isinstance(io_type, list) and key in self._config.models):
            choices = list(self._config.models.get(_SHARED_LISTS.get(key, key), []))
            if key in self._input_files:
                choices = sorted(set(choices) | set(self._input_files[key]))
            return [choices, *raw[1:]]
        return raw

    def inputs(self, spec: NodeSpec) -> dict[str, tuple[str, list[Any]]]:
        """name -> (category, resolved spec) for every required and optional input, in declared order."""
        out: dict[str, tuple[str, list[Any]]] = {}
        for category, group in (("required", spec.required), ("optional", spec.optional)):
            for name, raw in group.items():
                out[name] = (category, self.resolve(spec.name, name, raw))
        return out

    def object_info(self, spec: NodeSpec) -> dict[str, Any]:
        inputs: dict[str, Any] = {
            "required": {k: self.resolve(spec.name, k, v) for k, v in spec.required.items()}
        }
        if spec.optional:
            inputs["optional"] = {k: self.resolve(spec.name, k, v) for k, v in spec.optional.items()}
        if spec.hidden:
            inputs["hidden"] = dict(spec.hidden)
        info: dict[str, Any] = {
            "input": inputs,
            "input_order": {key: list(value) for key, value in inputs.items()},
            "output": list(spec.outputs),
            "output_is_list": [False] * len(spec.outputs),
            "output_name": list(spec.output_names or spec.outputs),
            "name": spec.name,
            "display_name": spec.display_name,
            "description": spec.description,
            "python_module": spec.python_module,
            "category": spec.category,
            "output_node": spec.output_node,
        }
        if spec.output_tooltips:
            info["output_tooltips"] = list(spec.output_tooltips)
        return _as_v3(info, spec) if spec.v3 else info


_V3_KEYS = (
    "input", "input_order", "output", "output_is_list", "output_name", "output_tooltips", "name",
    "display_name", "description", "python_module", "category", "output_node", "deprecated", "experimental",
    "api_node",
)  # fmt: skip


def _v3_input(raw: list[Any]) -> list[Any]:
    """A V3 node's input as comfy_api renders it: options always present, combos as COMBO with options."""
    if isinstance(raw[0], list):
        return ["COMBO", {"multiselect": False, "options": raw[0], **(raw[1] if len(raw) > 1 else {})}]
    return [raw[0], raw[1] if len(raw) > 1 else {}]


def _as_v3(info: dict[str, Any], spec: NodeSpec) -> dict[str, Any]:
    """/object_info of a node declared with io.Schema (ComfyUI 0.3.64 comfy_api/latest/_io.py)."""
    for section in ("required", "optional"):
        if section in info["input"]:
            info["input"][section] = {k: _v3_input(v) for k, v in info["input"][section].items()}
    info["output_tooltips"] = list(spec.output_tooltips or [None] * len(spec.outputs))
    info["display_name"] = None if spec.display_name == spec.name else spec.display_name
    info.update(deprecated=False, experimental=spec.experimental, api_node=False)
    return {key: info[key] for key in _V3_KEYS}
