"""Errors about workflow templates: unreadable files, graphs whose parameters cannot be found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from comfy.errors import ComfyError

# Why a workflow document cannot be used, by code, with `{placeholders}` for its values: a front-end words
# them in its reader's language from the code (as comfy.workflows.validation.MESSAGES for a backend's check).
REASONS: Mapping[str, str] = {
    "not_json": "is not valid JSON ({error})",
    "not_an_object": "is not a JSON object of nodes",
    "ui_format": "is in the editor's UI format; export it with 'Export (API)' in ComfyUI and use that file",
    "no_nodes": "has no nodes",
    "not_api_node": "node {node} is not an API-format node with a class_type",
    "inputs_not_an_object": "node {node} has inputs that are not a JSON object",
    "sidecar_node_missing": "the sidecar names node {node} for '{role}', but the workflow has no such node",
    "found_node_missing": "found node {node} for '{role}', but the workflow has no such node",
    "unfit": "node {node} ({node_class}) cannot be the '{role}': {reason}",
    "not_found": "no {missing} found; name the nodes in a .binding.json sidecar next to the workflow",
    "no_fps": "no frame rate found (fps on CreateVideo, SaveWEBM, SaveAnimatedWEBP...); "
    'give "defaults": {{"fps": 24}} in a .binding.json sidecar next to the workflow',
    "not_that_kind": "is not kind '{kind}' (known kinds: {known})",
    "no_known_kind": "is not a workflow of any kind this bot runs (known kinds: {known})",
    "bad_sidecar": "its binding sidecar is invalid: {problems}",
}


@dataclass(frozen=True)
class UnusableReason:
    """One reason a workflow cannot be used: its code (a key of REASONS) and the values of its sentence."""

    code: str
    values: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, code: str, **values: object) -> UnusableReason:
        return cls(code, {name: str(value) for name, value in values.items()})

    @property
    def message(self) -> str:
        return REASONS[self.code].format(**self.values)


class WorkflowError(ComfyError):
    """A workflow cannot be used; ``detail`` says precisely which file, node or input is at fault.

    Given as reasons (UnusableReason), each keeps its code and values (``reasons``) besides the English."""

    default_user_message = "That workflow cannot be used; the bot's operator has been told why."

    def __init__(self, workflow: str, detail: str | UnusableReason | Sequence[UnusableReason]) -> None:
        reasons: tuple[UnusableReason, ...] = ()
        if isinstance(detail, UnusableReason):
            reasons = (detail,)
        elif not isinstance(detail, str):
            reasons = tuple(detail)
        said = detail if isinstance(detail, str) else "; ".join(reason.message for reason in reasons)
        super().__init__(f"workflow '{workflow}': {said}")
        self.workflow = workflow
        self.reasons = reasons


class UnknownWorkflow(ComfyError):
    """Nobody installed a workflow by that name."""

    def __init__(self, name: str, available: list[str]) -> None:
        listed = ", ".join(available) or "none"
        super().__init__(
            f"no workflow named '{name}' (available: {listed})",
            user_message=f"There is no workflow called '{name}'. Available: {listed}.",
        )
        self.name = name
