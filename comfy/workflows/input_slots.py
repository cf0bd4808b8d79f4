"""A workflow's media inputs: the loader nodes that read a file from ComfyUI's input folder.

Loaders are found by class (``LoadImage`` reads the "image", ``LoadImageMask`` the "mask", ``LoadAudio`` the
"audio"); a sidecar may name them instead. Binding cannot know the file's name on the backend, which depends
on where the job runs, so it leaves a marker in the loader's file input (``"bot-input:image"``). Before each
post the input is uploaded to that backend and :func:`resolve_input_markers` puts the uploaded file's
reference in place of the marker, on a copy: the stored graph keeps its markers for the next post.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from comfy.workflows import graph as g

MARKER_PREFIX = "bot-input:"

# Loader class -> (role, the input naming the file). LoadImageMask reads the same folder as LoadImage.
LOADERS: Mapping[str, tuple[str, str]] = {
    "LoadImage": ("image", "image"),
    "LoadImageMask": ("mask", "image"),
    "LoadAudio": ("audio", "audio"),
}
ROLES: tuple[str, ...] = ("image", "mask", "audio")


class MissingInputReference(ValueError):
    """A graph still waits for an input the caller has no uploaded file for."""

    def __init__(self, roles: Collection[str]) -> None:
        super().__init__(f"no uploaded file for the input(s) {', '.join(sorted(roles))}")
        self.roles = frozenset(roles)


def input_marker(role: str) -> str:
    """What a loader's file input holds between binding and posting."""
    return f"{MARKER_PREFIX}{role}"


def _file_input(node: Mapping[str, Any]) -> str | None:
    loader = LOADERS.get(g.class_of(node))
    if loader is not None:
        return loader[1]
    # A loader named by a sidecar, of a class we do not know: the one file-like input it has.
    names = [name for name in ("image", "audio", "video", "file") if g.has_value(node, name)]
    return names[0] if len(names) == 1 else None


def is_loader(node: Mapping[str, Any]) -> bool:
    return _file_input(node) is not None


def find_loaders(graph: g.Graph) -> dict[str, tuple[str, ...]]:
    """Role -> the loader nodes of that role, in node order; roles without a loader are left out."""
    found: dict[str, list[str]] = {}
    for node_id, node in graph.items():
        loader = LOADERS.get(g.class_of(node))
        if loader is not None and g.has_value(node, loader[1]):
            found.setdefault(loader[0], []).append(node_id)
    return {role: g.sorted_ids(ids) for role, ids in found.items()}


def place_markers(graph: dict[str, Any], loaders: Mapping[str, Collection[str]]) -> None:
    """Put each role's marker in its loaders' file input (``graph`` is the caller's copy)."""
    for role, node_ids in loaders.items():
        for node_id in node_ids:
            name = _file_input(graph[node_id])
            if name is None:
                raise ValueError(f"node {node_id} ({g.class_of(graph[node_id])}) has no file input to mark")
            graph[node_id]["inputs"][name] = input_marker(role)


def marked_roles(graph: g.Graph) -> set[str]:
    """The roles whose uploaded file the graph needs before it can be posted."""
    return {role for _, _, role in _markers(graph)}


def resolve_input_markers(graph: g.Graph, references: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``graph`` with every marker replaced by the uploaded file's reference for its role.

    ``references`` maps a role to what ``POST /upload/image`` answered (``"bot-job-7/image-ab12.png"``, the
    form LoadImage and LoadAudio accept). Raises :class:`MissingInputReference` if a marked role has none.
    """
    missing = marked_roles(graph) - set(references)
    if missing:
        raise MissingInputReference(missing)
    resolved: dict[str, Any] = g.copy_graph(graph)
    for node_id, name, role in _markers(graph):
        resolved[node_id]["inputs"][name] = references[role]
    return resolved


def _markers(graph: g.Graph) -> list[tuple[str, str, str]]:
    """(node id, input name, role) of every marker in the graph."""
    return [
        (node_id, name, value.removeprefix(MARKER_PREFIX))
        for node_id, node in graph.items()
        for name, value in g.inputs_of(node).items()
        if isinstance(value, str) and value.startswith(MARKER_PREFIX)
    ]
