"""POST /prompt validation with ComfyUI's error vocabulary and its quirks (see PROTOCOL.md section 2).

Quirks kept on purpose: links are validated recursively and a failing upstream node does not add reasons
to the nodes downstream; `error.details` only lists reasons attached to failing *output* nodes; every node
with reasons collects the ids of all failing outputs seen after it failed; coerced values (e.g. "128" for an
INT) are written back into the prompt.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue

Reason = dict[str, Any]


@dataclass
class Verdict:
    ok: bool
    error: dict[str, Any] | None = None
    good_outputs: list[str] = field(default_factory=list)
    node_errors: dict[str, Any] = field(default_factory=dict)


def _prompt_error(kind: str, message: str, details: str) -> dict[str, Any]:
    return {"type": kind, "message": message, "details": details, "extra_info": {}}


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _coerce(io_type: Any, value: Any) -> Any:
    if isinstance(value, dict) and "__value__" in value:
        value = value["__value__"]
    if io_type == "INT":
        return int(value)
    if io_type == "FLOAT":
        return float(value)
    if io_type == "STRING":
        return str(value)
    if io_type == "BOOLEAN":
        return bool(value)
    return value


def _types_match(received: str, expected: Any) -> bool:
    if not isinstance(expected, str):
        return False
    if "*" in (received, expected):
        return True
    return bool(set(received.split(",")) & set(expected.split(",")))


class _Validator:
    def __init__(self, catalogue: Catalogue, prompt: dict[str, Any]) -> None:
        self.catalogue = catalogue
        self.prompt = prompt
        self.validated: dict[str, tuple[bool, list[Reason]]] = {}

    def node(self, node_id: str) -> tuple[bool, list[Reason]]:
        if node_id in self.validated:
            return self.validated[node_id]
        node = self.prompt[node_id]
        spec = self.catalogue.get(node["class_type"])
        assert spec is not None  # the class was checked before any node is validated
        inputs = node.setdefault("inputs", {})
        reasons: list[Reason] = []
        valid = True
        for name, (category, info) in self.catalogue.inputs(spec).items():
            if name not in inputs:
                if category == "required":
                    reasons.append({"type": "required_input_missing", "message": "Required input is missing",
                                    "details": name, "extra_info": {"input_name": name}})  # fmt: skip
                continue
            value = inputs[name]
            if isinstance(value, list):
                link_ok, link_reason = self._link(name, info, value)
                valid = valid and link_ok
                if link_reason is not None:
                    reasons.append(link_reason)
                continue
            if name in spec.custom_checks:
                reason = self._custom(name, info, value, spec.custom_checks[name], spec.file_input == name)
            else:
                reason = self._widget(inputs, name, info, value)
            if reason is not None:
                reasons.append(reason)
        result = (not reasons and valid, reasons)
        self.validated[node_id] = result
        return result

    def _link(self, name: str, info: list[Any], value: list[Any]) -> tuple[bool, Reason | None]:
        if len(value) != 2:
            return True, {
                "type": "bad_linked_input",
                "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                "details": name,
                "extra_info": {"input_name": name, "input_config": info, "received_value": value},
            }
        source_id, slot = value
        source = self.prompt[source_id]  # a KeyError here is reported like the real server does
        source_spec = self.catalogue.get(source["class_type"])
        assert source_spec is not None
        received = source_spec.outputs[slot]
        if not _types_match(received, info[0]):
            return True, {
                "type": "return_type_mismatch",
                "message": "Return type mismatch between linked nodes",
                "details": f"{name}, received_type({received}) mismatch input_type({info[0]})",
                "extra_info": {"input_name": name, "input_config": info, "received_type": received,
                               "linked_node": value},
            }  # fmt: skip
        try:
            ok, _ = self.node(source_id)
        except Exception as exc:
            self.validated[source_id] = (False, [{
                "type": "exception_during_inner_validation",
                "message": "Exception when validating inner node",
                "details": str(exc),
                "extra_info": {"input_name": name, "input_config": info, "exception_message": str(exc),
                               "exception_type": _type_name(exc),
                               "traceback": traceback.format_tb(sys.exc_info()[2]), "linked_node": value},
            }])  # fmt: skip
            return False, None
        return ok, None

    def _custom(self, name: str, info: list[Any], value: Any, message: str, is_file: bool) -> Reason | None:
        """A VALIDATE_INPUTS check. A loader's accepts any file that exists under input/ (also in a subfolder,
        or annotated "x.png [output]", whatever its extension) and the names listed by config."""
        if value in info[0] or (is_file and isinstance(value, str) and self.catalogue.file_exists(value)):
            return None
        return {
            "type": "custom_validation_failed",
            "message": "Custom validation failed for node",
            "details": f"{name} - {message.format(value=value)}",
            "extra_info": {"input_name": name},
        }

    def _widget(self, inputs: dict[str, Any], name: str, info: list[Any], value: Any) -> Reason | None:
        io_type = info[0]
        try:
            value = _coerce(io_type, value)
            inputs[name] = value
        except Exception as exc:
            return {
                "type": "invalid_input_type",
                "message": f"Failed to convert an input value to a {io_type} value",
                "details": f"{name}, {value}, {exc}",
                "extra_info": {"input_name": name, "input_config": info, "received_value": value,
                               "exception_message": str(exc)},
            }  # fmt: skip
        opts = info[1] if len(info) > 1 else {}
        bounds = (("min", "value_smaller_than_min", "smaller than min"),
                  ("max", "value_bigger_than_max", "bigger than max"))  # fmt: skip
        for key, kind, words in bounds:
            limit = opts.get(key)
            if limit is not None and (value < limit if key == "min" else value > limit):
                return {
                    "type": kind,
                    "message": f"Value {value} {words} of {limit}",
                    "details": name,
                    "extra_info": {"input_name": name, "input_config": info, "received_value": value},
                }
        if isinstance(io_type, list) and value not in io_type:
            too_long = len(io_type) > 20
            listed = f"(list of length {len(io_type)})" if too_long else str(io_type)
            return {
                "type": "value_not_in_list",
                "message": "Value not in list",
                "details": f"{name}: '{value}' not in {listed}",
                "extra_info": {"input_name": name, "input_config": None if too_long else info,
                               "received_value": value},
            }  # fmt: skip
        return None


def validate_prompt(catalogue: Catalogue, prompt: Any, targets: list[str] | None) -> Verdict:
    """Validate an API-format graph; raises TypeError for shapes the real server crashes on (-> 500)."""
    outputs: list[str] = []
    for node_id in prompt:
        node = prompt[node_id]
        if "class_type" not in node:
            message = "Cannot execute because a node is missing the class_type property."
            return Verdict(False, _prompt_error("invalid_prompt", message, f"Node ID '#{node_id}'"))
        spec = catalogue.get(node["class_type"])
        if spec is None:
            message = f"Cannot execute because node {node['class_type']} does not exist."
            return Verdict(False, _prompt_error("invalid_prompt", message, f"Node ID '#{node_id}'"))
        if spec.output_node and (targets is None or node_id in targets):
            outputs.append(node_id)
    if not outputs:
        return Verdict(False, _prompt_error("prompt_no_outputs", "Prompt has no outputs", ""))

    validator = _Validator(catalogue, prompt)
    good: list[str] = []
    failed: list[tuple[str, list[Reason]]] = []
    node_errors: dict[str, Any] = {}
    for output_id in outputs:
        try:
            ok, reasons = validator.node(output_id)
        except Exception as exc:
            ok = False
            reasons = [{
                "type": "exception_during_validation",
                "message": "Exception when validating node",
                "details": str(exc),
                "extra_info": {"exception_type": _type_name(exc),
                               "traceback": traceback.format_tb(sys.exc_info()[2])},
            }]  # fmt: skip
            validator.validated[output_id] = (False, reasons)
        if ok:
            good.append(output_id)
            continue
        if reasons:
            failed.append((output_id, reasons))
        for node_id, (node_ok, node_reasons) in validator.validated.items():
            if node_ok or not node_reasons:
                continue
            entry = node_errors.setdefault(
                node_id,
                {
                    "errors": node_reasons,
                    "dependent_outputs": [],
                    "class_type": prompt[node_id]["class_type"],
                },
            )
            entry["dependent_outputs"].append(output_id)
    if not good:
        details = "\n".join(f"{r['message']}: {r['details']}" for _, reasons in failed for r in reasons)
        error = _prompt_error("prompt_outputs_failed_validation", "Prompt outputs failed validation", details)
        return Verdict(False, error, [], node_errors)
    return Verdict(True, None, good, node_errors)
