"""Typed events a prompt run yields, in the order ComfyUI reports them.

A run ends with exactly one terminal event: :class:`Completed`, :class:`Failed` or :class:`Interrupted`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


class NodeStates:
    """``progress_state``: every node of the prompt that is no longer pending, with its own progress.

    Made by :meth:`unread`, the nodes are built when first asked for: ComfyUI sends one at every step
    and a run hands its consumer only the newest it has not taken, so most are never read.
    """

    __slots__ = ("_nodes", "_read", "prompt_id")
    __match_args__ = ("prompt_id", "nodes")

    def __init__(self, prompt_id: str, nodes: tuple[NodeState, ...]) -> None:
        self.prompt_id = prompt_id
        self._nodes = nodes
        self._read: Callable[[], tuple[NodeState, ...]] | None = None

    @classmethod
    def unread(cls, prompt_id: str, read: Callable[[], tuple[NodeState, ...]]) -> NodeStates:
        states = cls(prompt_id, ())
        states._read = read
        return states

    @property
    def nodes(self) -> tuple[NodeState, ...]:
        if self._read is not None:
            self._nodes, self._read = self._read(), None
        return self._nodes

    def __eq__(self, other: object) -> bool:
        if type(other) is not NodeStates:
            return NotImplemented
        return self.prompt_id == other.prompt_id and self.nodes == other.nodes

    def __hash__(self) -> int:
        return hash((self.prompt_id, self.nodes))

    def __repr__(self) -> str:
        return f"NodeStates(prompt_id={self.prompt_id!r}, nodes={self.nodes!r})"


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
    # How long it ran by the server's own clock, where its history says (its start to its success):
    # for a prompt whose `execution_start` frame was never seen (sent quietly, or while away).
    run_s: float | None = None


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
