"""Media a user hands in (an attachment, an earlier result): identified by decoding, never by its name.

``await inspect_input(data, declared_name, limits=...)`` returns :class:`InputFacts` or raises
:class:`InputRefused`, whose ``user_message`` says kindly what was wrong. Discord-free: the front-end fetches
the bytes (with the same size cap) and hands them here; the job stores the facts, and ``stage_input`` puts
the bytes on the backend under a name of the job's own before each (re)submission.
"""

from core.inputs.facts import InputFacts, InputKind, InputLimits, InputRefused, RefusalReason
from core.inputs.inspection import inspect_input, inspect_input_sync
from core.inputs.staging import stage_input, staged_location

__all__ = [
    "InputFacts",
    "InputKind",
    "InputLimits",
    "InputRefused",
    "RefusalReason",
    "inspect_input",
    "inspect_input_sync",
    "stage_input",
    "staged_location",
]
