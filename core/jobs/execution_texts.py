"""A node that failed while its prompt ran (ComfyUI's execution_error), in its member's words.

Everyone in the channel may read a job's message, so it names no node and no exception: those are the
operator's, in the job's detail and its log line (with its job_id and prompt_id), and in /workflows test.
Only running out of memory is something the member can help, by asking for less (their kind's `lighter`);
anything else is told as the server's, which the operator has to put right.
"""

from __future__ import annotations

from comfy import errors
from core.texts import Text

SERVER_FAILED = Text(
    "failures.server_failed",
    "Something went wrong on the ComfyUI server while making this; the bot's operator has been told.",
)
_OUT_OF_MEMORY_PLAIN = Text(
    "failures.out_of_memory_plain", "The ComfyUI server ran out of memory while making this."
)


def out_of_memory(lighter: Text | None) -> Text:
    """`lighter`: what the job's kind may ask for instead (core.kinds.spec.KindSpec.lighter)."""
    if lighter is None:
        return _OUT_OF_MEMORY_PLAIN
    return Text(
        "failures.out_of_memory",
        f"The ComfyUI server ran out of memory while making this: try {lighter}.",
        {"lighter": lighter},
    )


def execution_text(error: errors.ExecutionFailed, lighter: Text | None) -> Text:
    return out_of_memory(lighter) if error.out_of_memory else SERVER_FAILED
