"""A workflow ComfyUI refused (POST /prompt answered 400), in its member's words: what they can do about it.

Everyone in the channel may read a job's message, so it names no node, input or file: those are the
operator's, in the job's detail and its log line (with its job_id and prompt_id), and in /workflows test.
Only a value the member chose (core.kinds.member_inputs) is theirs to change; anything else is told as the
server's or the workflow's, which the operator has to put right.
"""

from __future__ import annotations

from collections.abc import Mapping

from comfy import errors
from core.texts import Text

MISSING_NODE = Text(
    "failures.rejected_missing_node",
    "This server's ComfyUI is missing a custom node this workflow needs; the bot's operator has been told. "
    "Please try another workflow meanwhile.",
)
MISSING_MODEL = Text(
    "failures.rejected_missing_model",
    "This server's ComfyUI is missing a model this workflow needs; the bot's operator has been told. "
    "Please try another workflow meanwhile.",
)
NOT_SET_UP = Text(
    "failures.rejected_workflow",
    "This workflow can't run on this server's ComfyUI as it is set up; the bot's operator has been told. "
    "Please try another workflow meanwhile.",
)


def refusal_text(error: errors.PromptRejected, member_inputs: Mapping[str, Text]) -> Text:
    cause = error.cause
    if cause is errors.RejectionCause.MISSING_NODE:
        return MISSING_NODE
    if cause is errors.RejectionCause.MISSING_MODEL:
        return MISSING_MODEL
    chosen = _members_input(error, member_inputs)
    return NOT_SET_UP if chosen is None else member_inputs[chosen]


def members_value_refused(error: errors.ComfyError, member_inputs: Mapping[str, Text]) -> bool:
    """ComfyUI refused a value the member chose (`refusal_text` tells them what to try): theirs to change,
    not a failure of the server's to tell its managers of (core.jobs.failure_events)."""
    return isinstance(error, errors.PromptRejected) and _members_input(error, member_inputs) is not None


def _members_input(error: errors.PromptRejected, member_inputs: Mapping[str, Text]) -> str | None:
    if error.cause is not errors.RejectionCause.OUT_OF_RANGE:
        return None
    for problem in error.problems:
        if problem.cause is errors.RejectionCause.OUT_OF_RANGE and problem.input_name in member_inputs:
            return problem.input_name
    return None
