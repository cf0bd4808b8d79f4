"""A workflow template: an API-format graph, its name, kind, version hash and analysed binding."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from comfy.workflows.analysis import analyse
from comfy.workflows.errors import UnusableReason, WorkflowError
from comfy.workflows.node_roles import NodeRoles
from comfy.workflows.shape import WorkflowShape
from comfy.workflows.sidecar import BindingSidecar

# A workflow's name may carry a qualifier after this mark (never in a name a person gives: see
# catalogue.valid_name), so workflows of the same title kept for different owners have different names.
QUALIFIER_MARK = "@"


def qualified_name(title: str, qualifier: object) -> str:
    return f"{title}{QUALIFIER_MARK}{qualifier}"


def workflow_title(name: str) -> str:
    """What people call the workflow ``name``: its name without the qualifier."""
    return name.partition(QUALIFIER_MARK)[0]


@dataclass(frozen=True)
class WorkflowTemplate:
    """Read-only; :func:`comfy.workflows.bind.bind` works on a deep copy of ``graph``."""

    # Unique among the workflows a process knows (the key jobs, estimates and backends use).
    name: str
    graph: Mapping[str, Any]
    version: str
    binding: NodeRoles
    source: str

    @property
    def kind(self) -> str:
        return self.binding.kind

    @property
    def title(self) -> str:
        return workflow_title(self.name)


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def workflow_version(graph: Mapping[str, Any], sidecar: BindingSidecar | None = None) -> str:
    """sha256 of the graph's canonical JSON (and of the sidecar's, which changes how it is bound)."""
    digest = hashlib.sha256(canonical_json(graph).encode())
    if sidecar is not None:
        digest.update(b"\0" + canonical_json(sidecar.model_dump(mode="json")).encode())
    return digest.hexdigest()


def parse_graph(name: str, text: str | bytes) -> dict[str, Any]:
    """The API-format graph in ``text``, or a WorkflowError saying what is wrong with the document."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise WorkflowError(name, UnusableReason.of("not_json", error=error)) from None
    if not isinstance(document, dict):
        raise WorkflowError(name, UnusableReason.of("not_an_object"))
    if isinstance(document.get("nodes"), list) and "links" in document:
        raise WorkflowError(name, UnusableReason.of("ui_format"))
    if not document:
        raise WorkflowError(name, UnusableReason.of("no_nodes"))
    for node_id, node in document.items():
        if not isinstance(node, dict) or not isinstance(node.get("class_type"), str):
            raise WorkflowError(name, UnusableReason.of("not_api_node", node=node_id))
        if not isinstance(node.get("inputs", {}), dict):
            raise WorkflowError(name, UnusableReason.of("inputs_not_an_object", node=node_id))
    return document


def make_template(
    name: str,
    text: str | bytes,
    *,
    source: str,
    shapes: tuple[WorkflowShape, ...],
    sidecar: BindingSidecar | None = None,
) -> WorkflowTemplate:
    """Parse and analyse one workflow document; WorkflowError says precisely why it cannot be used."""
    graph = parse_graph(name, text)
    binding = analyse(name, graph, shapes, sidecar)
    return WorkflowTemplate(
        name=name, graph=graph, version=workflow_version(graph, sidecar), binding=binding, source=source
    )
