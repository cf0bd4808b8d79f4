"""Whether a request's inputs fit its workflow: every slot the bound graph marks is filled, nothing else is
given. The binding decides which slots a workflow has (its own loaders, or those it adds for an input the
kind takes, such as image-to-image); this only compares and says what is wrong, kindly."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from core.errors import UserFacingError

_WHAT = {"image": "a picture", "mask": "a mask picture", "audio": "a sound file", "video": "a video"}

# The marker string the binding puts into a loader's file input (comfy.workflows.input_slots.input_marker).
MARKER_PREFIX = "bot-input:"


def marked_roles(graph: Mapping[str, Any]) -> set[str]:
    """The input slots marked in a bound graph."""
    roles = set()
    for node in graph.values():
        for value in (node.get("inputs") or {}).values() if isinstance(node, Mapping) else ():
            if isinstance(value, str) and value.startswith(MARKER_PREFIX):
                roles.add(value.removeprefix(MARKER_PREFIX))
    return roles


def resolve_input_markers(graph: Mapping[str, Any], references: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``graph`` whose markers name the uploaded files (``references``: role -> file name)."""
    resolved: dict[str, Any] = {}
    for node_id, node in graph.items():
        inputs = node.get("inputs") if isinstance(node, Mapping) else None
        if not isinstance(inputs, Mapping):
            resolved[node_id] = node
            continue
        changed = {
            name: references[value.removeprefix(MARKER_PREFIX)]
            for name, value in inputs.items()
            if isinstance(value, str) and value.startswith(MARKER_PREFIX)
        }
        resolved[node_id] = {**node, "inputs": {**inputs, **changed}} if changed else node
    return resolved


def _what(role: str) -> str:
    return _WHAT.get(role, f"a {role} file")


def check_roles(given: Collection[str], marked: Collection[str], *, workflow: str) -> None:
    """Raise UserFacingError if an input has no slot in ``workflow`` or a slot has no input."""
    extra = sorted(set(given) - set(marked))
    if extra:
        raise UserFacingError(
            f"The “{workflow}” workflow doesn't take {_what(extra[0])}. Leave the file out, or choose a "
            "workflow that takes one."
        )
    missing = sorted(set(marked) - set(given))
    if missing:
        raise UserFacingError(f"The “{workflow}” workflow needs {_what(missing[0])}: please attach one.")
