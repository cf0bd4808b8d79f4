"""Why a workflow was not added or removed: a friendly sentence, keyed for the locale catalogue."""

from __future__ import annotations

from collections.abc import Sequence

from comfy.workflows.errors import UnusableReason
from core.errors import UserFacingError
from core.workflows.verdicts import BackendVerdict


class WorkflowRefused(UserFacingError):
    """``key`` names the sentence in the front-end's catalogue ("workflows.refused.<key>"), ``values`` fill
    it; ``user_message`` is the English one, for anything that shows the error without a catalogue."""

    def __init__(self, key: str, english: str, **values: object) -> None:
        super().__init__(english.format(**values))
        self.key = key
        self.values = values


class WorkflowUnusable(WorkflowRefused):
    """The document is no workflow the bot can use: ``reasons`` (comfy's codes and values) say why, for the
    front-end to word; ``reason`` is comfy's English, for what has no catalogue."""

    def __init__(self, workflow: str, reason: str, reasons: Sequence[UnusableReason]) -> None:
        super().__init__("unusable", "That workflow cannot be used: {reason}", reason=reason)
        self.workflow = workflow
        self.reasons = tuple(reasons)


class NoBackendCanRun(WorkflowRefused):
    """Every backend answered why it cannot run the graph (or none answered): the `check` report says it."""

    def __init__(self, name: str, verdicts: tuple[BackendVerdict, ...]) -> None:
        super().__init__("no_backend", "No ComfyUI server can run “{name}”, so it was not added.", name=name)
        self.verdicts = verdicts
