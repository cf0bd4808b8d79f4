"""Why a job failed, in a member's words: a ComfyError as a core.texts.Text the front-end can translate.

Each ComfyUI client error has its own sentence (its `default_user_message`), keyed by the error class that
says it ("failures.timed_out"); a sentence the client made for one case (a 413's "That file is too
large...") keeps its English under the key "failures.said", which the catalogue leaves out on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from comfy import errors
from core.jobs.execution_texts import execution_text
from core.jobs.refusal_texts import refusal_text
from core.texts import Text

# The key a message made for one case falls back to: not in the catalogue, so said in its English.
_SAID = "failures.said"


def failure_text(
    error: errors.ComfyError,
    *,
    member_inputs: Mapping[str, Text] | None = None,
    lighter: Text | None = None,
    technical: bool = False,
) -> Text:
    """`member_inputs`: the inputs the job's kind fills from its member's options (KindSpec.member_inputs).
    `lighter`: what the job's kind may ask for instead when its server ran out of memory (KindSpec.lighter).
    `technical`: for the operator who ran it (/workflows test): a refused workflow's nodes, inputs and files,
    or a failed node and its exception, named; a member's job keeps them to its detail (the log, its row)."""
    if isinstance(error, errors.PromptRejected) and not technical:
        return refusal_text(error, member_inputs or {})
    if isinstance(error, errors.ExecutionFailed) and not technical:
        return execution_text(error, lighter)
    if isinstance(error, errors.PromptRejected) and error.problems:
        reasons = "; ".join(problem.describe() for problem in error.problems[:3])
        return Text(
            "failures.prompt_rejected_because",
            f"The ComfyUI server refused this workflow: {reasons}.",
            {"reasons": reasons},
        )
    reason = _reason(error)
    if isinstance(error, errors.ExecutionFailed) and error.node_type:
        node, message = error.node_type, error.exception_message.strip()[:200]
        what = error.exception_message or error.exception_type or "no reason"
        if error.user_message == f"The job failed in {node}: {what}":  # the client's words for a node's error
            reason = Text(
                "failures.failed_in", f"The job failed in {node}: {what}", {"node": node, "what": what}
            )
        return Text(
            "failures.at_step",
            f"{reason} (step {node}: {message})",
            {"reason": reason, "node": node, "message": message},
        )
    return reason


def _reason(error: errors.ComfyError) -> Text:
    if error.user_message != type(error).default_user_message:
        return Text(_SAID, error.user_message)
    # Keyed by the class that says it: an error that inherits its sentence shares its parent's key.
    sayer = next(kind for kind in type(error).__mro__ if "default_user_message" in vars(kind))
    return Text(f"failures.{_snake(sayer.__name__)}", error.user_message)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def timed_out(minutes: int, lighter: Text | None) -> Text:
    """`lighter`: what the job's kind may ask for instead (core.kinds.spec.KindSpec.lighter)."""
    if lighter is None:
        return Text(
            "failures.took_too_long_plain",
            f"This job took longer than {minutes} min, so I stopped it.",
            {"minutes": minutes},
        )
    return Text(
        "failures.took_too_long",
        f"This job took longer than {minutes} min, so I stopped it. Try {lighter}.",
        {"minutes": minutes, "lighter": lighter},
    )


def gave_up(attempts: int) -> Text:
    return Text(
        "failures.server_kept_leaving",
        f"The ComfyUI server went away {attempts} times while running this job, so I stopped trying. "
        "Please try again in a little while.",
        {"attempts": attempts},
    )


STOPPED = Text("failures.stopped", "The job was stopped on the ComfyUI server before it finished.")
INPUT_GONE = Text(
    "failures.input_gone",
    "The file this job was given is no longer kept on the bot's side, so it can't run. "
    "Please ask again with the file.",
)
WORKFLOW_GONE = Text(
    "failures.workflow_gone", "This job's workflow is no longer available. Please ask again."
)
