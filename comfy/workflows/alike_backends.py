"""A workflow checked once for every backend that describes its node classes alike.

A farm's servers are mostly copies of one another: the same nodes, the same models. A workflow's problems
depend only on what a backend says of the node classes the workflow uses (``find_problems`` reads nothing
else of ``/object_info``, but for a missing class, whose advice lists every class the backend has), so a
second backend describing those classes as the first did has the first's problems: the check is not made
again, eight times over for a farm of eight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comfy.workflows.validation import WorkflowProblem, find_problems


class ProblemsOnAlikeBackends:
    """Kept for one round of checks (the backends' /object_info as read then)."""

    def __init__(self) -> None:
        self._found: dict[str, list[tuple[tuple[Any, ...], list[WorkflowProblem]]]] = {}

    def find(
        self, name: str, workflow: Mapping[str, Any], object_info: Mapping[str, Any]
    ) -> list[WorkflowProblem]:
        described = tuple(object_info.get(class_type) for class_type in _class_types(workflow))
        if None in described:  # a class missing: its advice reads all the backend's class names
            return find_problems(workflow, object_info, name)
        earlier = self._found.setdefault(name, [])
        for described_then, problems in earlier:
            if described_then == described:
                return problems
        problems = find_problems(workflow, object_info, name)
        earlier.append((described, problems))
        return problems


def _class_types(workflow: Mapping[str, Any]) -> list[str]:
    named = {node.get("class_type") for node in workflow.values() if isinstance(node, Mapping)}
    return sorted(class_type for class_type in named if isinstance(class_type, str))
