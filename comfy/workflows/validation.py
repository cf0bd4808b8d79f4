"""Check an API-format workflow against what a backend's ``GET /object_info`` says it can run.

ComfyUI itself reports these problems only after ``POST /prompt`` and often with an empty ``details``
(PROTOCOL.md section 2); checking beforehand lets the bot say precisely which node, input and model is
missing, and what the backend offers instead, before a user's job is ever queued.

Each problem has a code and the values its sentence is made of, besides its English `message`: a front-end
can word it in its reader's language from those (bot/ui/workflow_report.py does, for /workflows add).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MESSAGES", "WorkflowProblem", "find_problems"]

# Combo options marking a file input filled by an upload (the loaders of comfy.workflows.input_slots).
_UPLOAD_FLAGS = ("image_upload", "audio_upload", "video_upload")
# ComfyUI abbreviates long choice lists the same way ("(list of length 42)"); a report stays readable.
_MAX_LISTED_CHOICES = 8

# Each problem's English by its code, with `{placeholders}` for its values.
MESSAGES: Mapping[str, str] = {
    "not_an_object": "the node is not a JSON object",
    "no_class_type": "the node has no class_type",
    "node_missing": "node class '{node_class}' is not installed on this backend (is a custom node missing?)",
    "node_missing_close": "node class '{node_class}' is not installed on this backend "
    "(did you mean {close}?)",
    "inputs_not_an_object": "the node's inputs are not a JSON object",
    "input_missing": "required input is missing",
    "not_available": "{value} is not available on this backend; it offers {offered}",
    "not_available_more": "{value} is not available on this backend; "
    "it offers {offered}, ... ({total} in total)",
    "no_choices": "{value} is not available on this backend; it offers no choices at all "
    "(is the model folder empty?)",
    "too_small": "value {value} is smaller than the minimum {low}",
    "too_big": "value {value} is bigger than the maximum {high}",
    "malformed_link": "malformed link {link}; a link is [source_node_id, output_index]",
    "link_to_missing_node": "links to node {source}, which is not in the workflow (it has nodes {nodes})",
    "link_to_missing_output": "links to output {output} of node {source} ({source_class}), "
    "which has only {outputs} output(s)",
    "link_wrong_type": "receives {received} from node {source} ({source_class}) but expects {expected}",
}
# The codes of a node class the backend lacks, and of a file (a model) it does not offer.
NODE_MISSING = frozenset({"node_missing", "node_missing_close"})
NOT_OFFERED = frozenset({"not_available", "not_available_more", "no_choices"})

# A problem found in a node's input: its code and values.
_Found = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class WorkflowProblem:
    """One thing that stops a backend from running a workflow, precise enough to act on."""

    workflow: str
    node_id: str
    class_type: str
    input_name: str | None
    message: str
    code: str = ""  # a key of MESSAGES
    values: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def of(
        cls, workflow: str, node_id: str, class_type: str, input_name: str | None, code: str, **values: str
    ) -> WorkflowProblem:
        return cls(workflow, node_id, class_type, input_name, MESSAGES[code].format(**values), code, values)

    def __str__(self) -> str:
        where = f"workflow '{self.workflow}', node {self.node_id} ({self.class_type})"
        if self.input_name is not None:
            where += f", input '{self.input_name}'"
        return f"{where}: {self.message}"


def find_problems(
    workflow: Mapping[str, Any], object_info: Mapping[str, Any], workflow_name: str = ""
) -> list[WorkflowProblem]:
    """Every problem that would make the backend described by ``object_info`` reject ``workflow``.

    Reported: nodes that are not objects or lack ``class_type``, node classes the backend does not have,
    missing required inputs, combo values (checkpoints, VAEs, samplers...) not among the backend's
    choices, numbers outside the input's range, malformed links, links to nodes that are not in the graph,
    to outputs the source node does not have, or of the wrong type.
    """
    problems: list[WorkflowProblem] = []
    for node_id, node in workflow.items():
        problems.extend(_node_problems(workflow, object_info, workflow_name, str(node_id), node))
    return problems


def _node_problems(
    workflow: Mapping[str, Any], object_info: Mapping[str, Any], name: str, node_id: str, node: Any
) -> list[WorkflowProblem]:
    if not isinstance(node, Mapping):
        return [WorkflowProblem.of(name, node_id, "?", None, "not_an_object")]
    class_type = node.get("class_type")
    if not isinstance(class_type, str) or not class_type:
        return [WorkflowProblem.of(name, node_id, "?", None, "no_class_type")]
    info = object_info.get(class_type)
    if not isinstance(info, Mapping):
        close = difflib.get_close_matches(class_type, [str(name) for name in object_info], n=3)
        code, suggested = (
            ("node_missing_close", {"close": ", ".join(close)}) if close else ("node_missing", {})
        )
        return [WorkflowProblem.of(name, node_id, class_type, None, code, node_class=class_type, **suggested)]
    inputs = node.get("inputs", {})
    if not isinstance(inputs, Mapping):
        return [WorkflowProblem.of(name, node_id, class_type, None, "inputs_not_an_object")]

    declared = info.get("input", {}) if isinstance(info.get("input"), Mapping) else {}
    required = _section(declared, "required")
    optional = _section(declared, "optional")
    problems: list[WorkflowProblem] = []
    for input_name in required:
        if input_name not in inputs:
            problems.append(WorkflowProblem.of(name, node_id, class_type, input_name, "input_missing"))
    for input_name, value in inputs.items():
        spec = required.get(input_name, optional.get(input_name))
        found = _input_problem(workflow, object_info, value, spec)
        if found is not None:
            code, values = found
            problems.append(WorkflowProblem.of(name, node_id, class_type, str(input_name), code, **values))
    return problems


def _node_order(node_id: str) -> tuple[int, str]:
    return (int(node_id), "") if node_id.isdecimal() else (1 << 62, node_id)


def _section(declared: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = declared.get(key)
    return section if isinstance(section, Mapping) else {}


def _input_problem(
    workflow: Mapping[str, Any], object_info: Mapping[str, Any], value: Any, spec: Any
) -> _Found | None:
    if isinstance(value, list):
        return _link_problem(workflow, object_info, value, spec)
    if not isinstance(spec, Sequence) or isinstance(spec, str) or not spec:
        # Inputs the backend does not declare are ignored by ComfyUI as well.
        return None
    kind = spec[0]
    options = spec[1] if len(spec) > 1 and isinstance(spec[1], Mapping) else {}
    choices = _combo_choices(kind, options)
    if choices is not None and any(options.get(flag) is True for flag in _UPLOAD_FLAGS):
        # A loader's file (LoadImage, LoadAudio): the request brings it and it is uploaded before each post.
        return None
    if choices is not None:
        return None if value in choices else _not_offered(value, choices)
    if kind in ("INT", "FLOAT") and isinstance(value, int | float) and not isinstance(value, bool):
        return _range_problem(value, options)
    return None


def _combo_choices(kind: Any, options: Mapping[str, Any]) -> list[Any] | None:
    if isinstance(kind, list):
        return kind
    # Newer ComfyUI versions declare combos as ["COMBO", {"options": [...]}].
    if kind == "COMBO" and isinstance(options.get("options"), list):
        return list(options["options"])
    return None


def _not_offered(value: Any, choices: Sequence[Any]) -> _Found:
    if not choices:
        return "no_choices", {"value": repr(value)}
    shown = ", ".join(repr(choice) for choice in choices[:_MAX_LISTED_CHOICES])
    if len(choices) > _MAX_LISTED_CHOICES:
        return "not_available_more", {"value": repr(value), "offered": shown, "total": str(len(choices))}
    return "not_available", {"value": repr(value), "offered": shown}


def _range_problem(value: float, options: Mapping[str, Any]) -> _Found | None:
    low, high = options.get("min"), options.get("max")
    if isinstance(low, int | float) and value < low:
        return "too_small", {"value": str(value), "low": str(low)}
    if isinstance(high, int | float) and value > high:
        return "too_big", {"value": str(value), "high": str(high)}
    return None


def _link_problem(
    workflow: Mapping[str, Any], object_info: Mapping[str, Any], link: list[Any], spec: Any
) -> _Found | None:
    if len(link) != 2 or not isinstance(link[1], int) or isinstance(link[1], bool):
        return "malformed_link", {"link": repr(link)}
    source_id, output_index = str(link[0]), link[1]
    source = workflow.get(source_id)
    if not isinstance(source, Mapping):
        existing = ", ".join(sorted(map(str, workflow), key=_node_order))
        return "link_to_missing_node", {"source": source_id, "nodes": existing}
    source_info = object_info.get(str(source.get("class_type")))
    if not isinstance(source_info, Mapping):
        return None  # the unknown source class is reported on its own node
    outputs = source_info.get("output")
    if not isinstance(outputs, list):
        return None
    where = {"source": source_id, "source_class": str(source.get("class_type"))}
    if not 0 <= output_index < len(outputs):
        return "link_to_missing_output", {**where, "output": str(output_index), "outputs": str(len(outputs))}
    expected = spec[0] if isinstance(spec, Sequence) and not isinstance(spec, str) and spec else None
    received = outputs[output_index]
    if isinstance(expected, str) and isinstance(received, str) and not _types_match(received, expected):
        return "link_wrong_type", {**where, "received": received, "expected": expected}
    return None


def _types_match(received: str, expected: str) -> bool:
    if "*" in (received, expected) or received == expected:
        return True
    return set(received.split(",")) <= set(expected.split(","))
