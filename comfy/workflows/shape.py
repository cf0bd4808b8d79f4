"""What a kind of workflow looks like: how to recognise one and what each of its roles must hold.

The library reads graphs; which kinds exist (images, songs, ...) is the application's knowledge, handed in
as shapes. A role is a parameter the analysis places: ``samplers``, ``prompt``, ``negative``, ``latent``,
``seed``, ``outputs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from comfy.workflows.graph import Graph

NodeCheck = Callable[[Mapping[str, Any]], bool]
# The graph and the nodes found per role: is this a workflow of the shape's kind?
Recogniser = Callable[[Graph, Mapping[str, tuple[str, ...]]], bool]


@dataclass(frozen=True)
class RoleRule:
    """``missing`` names what to look for when no node was found (None: the role may stay empty);
    ``fits`` (with ``unfit`` saying why not) replaces the library's own check of a node in that role;
    ``unless_inputs``: the role may stay empty in a workflow that reads a file (an image-to-image graph
    starts from its encoded image, not from an empty latent)."""

    missing: str | None = None
    fits: NodeCheck | None = None
    unfit: str = ""
    unless_inputs: bool = False


@dataclass(frozen=True)
class WorkflowShape:
    kind: str
    roles: Mapping[str, RoleRule] = field(default_factory=dict)
    # None: the shape of every workflow that no other shape recognises.
    recognises: Recogniser | None = None
    # Its latent has a width and height: the pixel area every aspect ratio keeps.
    sized: bool = False
    # It makes frames at a rate (a video): the analysis finds the frame rate, or a sidecar gives it.
    timed: bool = False


def pick_shape(
    shapes: tuple[WorkflowShape, ...], graph: Graph, nodes: Mapping[str, tuple[str, ...]]
) -> WorkflowShape | None:
    """The first shape recognising the graph, else the catch-all shape (if there is one)."""
    for shape in shapes:
        if shape.recognises is not None and shape.recognises(graph, nodes):
            return shape
    return next((shape for shape in shapes if shape.recognises is None), None)
