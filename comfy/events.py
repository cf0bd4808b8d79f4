"""Typed events a prompt run yields, in the order ComfyUI reports them.

A run ends with exactly one terminal event: :class:`Completed`, :class:`Failed` or :class:`Interrupted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from comfy import errors


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file a node wrote, addressed exactly as the server named it (for GET /view)."""

    node_id: str
    kind: str  # the output key: "images", "audio", "gifs", ...
    filename: str
    subfolder: str
    type: str  # "output" | "temp" | "input"


@dataclass(frozen=True, slots=True)
class Queued:
    prompt_id: str
    position: int  # prompts ahead of this one (0: next to run)
    queue_remaining: int


@dataclass(frozen=True, slots=True)
class Started:
    prompt_id: str


@dataclass(frozen=True, slots=True)
class BackendAway:
    """The backend's socket dropped while this prompt was in flight; the client is reconnecting.

    The run then ends with the outcome the backend reports when it answers again (:class:`PromptLost`
    after a restart), or with BackendUnavailable if it stays away.
    """

    prompt_id: str


@dataclass(frozen=True, slots=True)
class NodeExecuting:
    prompt_id: str
    node_id: str
    class_type: str


@dataclass(frozen=True, slots=True)
class Progress:
    prompt_id: str
    node_id: str
    value: float
    max: float


@dataclass(frozen=True, slots=True)
class NodesCached:
    """``execution_cached``: these nodes will not run, their earlier results are reused."""

    prompt_id: str
    node_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NodeState:
    node_id: str
    state: str  # "running" | "finished" | "error"
    value: float
    max: float


@dataclass(frozen=True, slots=True)
class NodeStates:
    """``progress_state``: every node of the prompt that is no longer pending, with its own progress."""

    prompt_id: str
    nodes: tuple[NodeState, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    prompt_id: str
    node_id: str  # "" when the server did not say (legacy type-1 frames before any progress)
    mime: str
    image: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Executed:
    prompt_id: str
    node_id: str
    output: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Completed:
    prompt_id: str
    outputs: Mapping[str, Mapping[str, Any]]
    files: tuple[OutputFile, ...]


@dataclass(frozen=True, slots=True)
class Failed:
    prompt_id: str
    error: errors.ExecutionFailed


@dataclass(frozen=True, slots=True)
class Interrupted:
    prompt_id: str
    node_id: str = ""
    removed_from_queue: bool = False  # deleted while pending: it never started


PromptEvent = (
    Queued
    | Started
    | BackendAway
    | NodesCached
    | NodeExecuting
    | Progress
    | NodeStates
    | Preview
    | Executed
    | Completed
    | Failed
    | Interrupted
)
TerminalEvent = Completed | Failed | Interrupted
TERMINAL_EVENTS = (Completed, Failed, Interrupted)
