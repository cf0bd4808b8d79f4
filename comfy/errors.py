"""The library's own error types: nothing from aiohttp leaves ``comfy/``.

Every error carries a ``user_message`` safe to show to an end user and a ``detail`` for logs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class ComfyError(Exception):
    """Base of every error raised by the ComfyUI client."""

    default_user_message = "The ComfyUI server ran into a problem."

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.user_message = user_message or self.default_user_message


class BackendUnavailable(ComfyError):
    """The backend cannot be reached (refused, reset, 5xx, socket gone)."""

    default_user_message = "The ComfyUI server is not reachable right now. Please try again shortly."


class PromptLost(BackendUnavailable):
    """The backend came back but no longer knows the prompt (restart wiped queue and history).

    Nothing ran to completion for it, so the caller may safely submit it again.
    """

    default_user_message = "The ComfyUI server restarted and lost this job."
    resubmittable = True


class RejectionCause(StrEnum):
    """Why ComfyUI refused a workflow, as far as whoever can fix it is concerned."""

    MISSING_NODE = "missing_node"  # a node class the server lacks: a custom node not installed
    MISSING_MODEL = "missing_model"  # a file (checkpoint, LoRA, VAE...) not in the server's models folders
    OUT_OF_RANGE = "out_of_range"  # a number below its input's min or above its max
    INVALID = "invalid"  # anything else: the workflow itself does not fit this server


# A model file's name ends in an extension ("v1-5.safetensors", "4x.pth"); a sampler's or a mode's does not.
_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,12}$")
# The class a 400 without node_errors names ("Cannot execute because node NoSuchNode does not exist.").
_NO_SUCH_NODE = re.compile(r"\bnode \S+ does not exist")

# How a node's exception says its server ran out of memory: torch's "CUDA out of memory", "MPS backend out of
# memory", "CUDA error: out of memory", a custom node's "OOM" (torch.OutOfMemoryError is told by its type).
_OUT_OF_MEMORY = re.compile(r"(?i:out of memory)|OutOfMemory|\bOOM\b")

# The order a refusal's causes are told in: the one its member can do least about first.
_CAUSE_ORDER = (
    RejectionCause.MISSING_NODE,
    RejectionCause.MISSING_MODEL,
    RejectionCause.OUT_OF_RANGE,
    RejectionCause.INVALID,
)


@dataclass(frozen=True, slots=True)
class NodeProblem:
    """One reason ComfyUI gave for refusing a node of the workflow."""

    node_id: str
    class_type: str
    input_name: str
    reason: str
    error_type: str = ""  # ComfyUI's name for the reason: value_not_in_list, value_bigger_than_max...
    # The value the input was given, when ComfyUI says it (a list for a bad link: not hashable, not compared).
    received: object = field(default=None, compare=False)

    @property
    def cause(self) -> RejectionCause:
        if self.error_type == "value_not_in_list" and _FILE_NAME.search(str(self.received or "")):
            return RejectionCause.MISSING_MODEL  # a loader's list is the files in its models folder
        if self.error_type in ("value_smaller_than_min", "value_bigger_than_max"):
            return RejectionCause.OUT_OF_RANGE
        return RejectionCause.INVALID

    def describe(self) -> str:
        where = f"node {self.node_id}" + (f" ({self.class_type})" if self.class_type else "")
        if self.input_name:
            where += f", input '{self.input_name}'"
        return f"{where}: {self.reason}"


class PromptRejected(ComfyError):
    """POST /prompt refused the workflow (validation failed)."""

    default_user_message = "The ComfyUI server refused this workflow."

    def __init__(
        self,
        detail: str,
        *,
        error_type: str = "",
        problems: Sequence[NodeProblem] = (),
        headline: str = "",
        user_message: str | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.error_type = error_type
        self.problems = tuple(problems)
        self.headline = headline  # error.message: the only reason a 400 without node_errors gives

    @property
    def cause(self) -> RejectionCause:
        if self.error_type == "invalid_prompt" and _NO_SUCH_NODE.search(self.headline):
            return RejectionCause.MISSING_NODE
        found = {problem.cause for problem in self.problems}
        return next((cause for cause in _CAUSE_ORDER if cause in found), RejectionCause.INVALID)


class ExecutionFailed(ComfyError):
    """A node raised while the prompt ran (``execution_error``)."""

    default_user_message = "The job failed while it was running."

    def __init__(
        self,
        detail: str,
        *,
        node_id: str = "",
        node_type: str = "",
        exception_type: str = "",
        exception_message: str = "",
        user_message: str | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.node_id = node_id
        self.node_type = node_type
        self.exception_type = exception_type
        self.exception_message = exception_message

    @property
    def out_of_memory(self) -> bool:
        """The server ran out of memory (torch.OutOfMemoryError, torch.cuda.OutOfMemoryError, or a message
        that says so): a lighter job may fit, which no other failure of a node says."""
        if self.exception_type.rsplit(".", 1)[-1] == "OutOfMemoryError":
            return True
        return bool(_OUT_OF_MEMORY.search(self.exception_message))


class Interrupted(ComfyError):
    """The prompt was interrupted or removed from the queue before it finished."""

    default_user_message = "The job was cancelled."


class TimedOut(ComfyError):
    """The backend did not answer or finish within the allowed time."""

    default_user_message = "The ComfyUI server took too long to answer."


class UnsafeOutputName(ComfyError):
    """The server returned an output name that could escape the artifacts directory."""

    default_user_message = "The ComfyUI server produced a file with an unsafe name; it was not saved."


class StorageFailed(ComfyError):
    """A downloaded output could not be written to the local data directory."""

    default_user_message = "The result could not be saved on the bot's side."


class DiskFull(StorageFailed):
    """The local data directory's filesystem has no room left (ENOSPC, or the user's quota: EDQUOT).

    Not the job's fault and not lasting: the caller may keep the output on the server and fetch it again
    once there is room.
    """

    default_user_message = "The bot's disk is full, so the result could not be saved."


class DamagedOutput(ComfyError):
    """A fetched output is not whole: shorter than the server said, or it does not decode to its end."""

    default_user_message = "ComfyUI sent a damaged file, so the result could not be kept. Please try again."


class UnexpectedResponse(ComfyError):
    """The backend answered, but not in a way the protocol allows (4xx, malformed JSON)."""


class UploadRejected(ComfyError):
    """The ComfyUI server refused an input file: 400 (no file, or a name leaving its folder), 413 (larger than
    its ``--max-upload-size``)."""

    default_user_message = "The ComfyUI server refused the file you sent."

    def __init__(self, detail: str, *, status: int, user_message: str | None = None) -> None:
        if user_message is None and status == 413:
            user_message = "That file is too large for the ComfyUI server."
        super().__init__(detail, user_message=user_message)
        self.status = status


class NoCapableBackend(ComfyError):
    """No healthy backend has every node class and model the workflow needs."""

    default_user_message = "No ComfyUI server can run this workflow right now."
