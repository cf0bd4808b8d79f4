"""The library's own error types: nothing from aiohttp leaves ``comfy/``.

Every error carries a ``user_message`` safe to show to an end user and a ``detail`` for logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True)
class NodeProblem:
    """One reason ComfyUI gave for refusing a node of the workflow."""

    node_id: str
    class_type: str
    input_name: str
    reason: str

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
        user_message: str | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.error_type = error_type
        self.problems = tuple(problems)


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
