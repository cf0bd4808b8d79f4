"""Errors about workflow templates: unreadable files, graphs whose parameters cannot be found."""

from __future__ import annotations

from comfy.errors import ComfyError


class WorkflowError(ComfyError):
    """A workflow cannot be used; ``detail`` says precisely which file, node or input is at fault."""

    default_user_message = "That workflow cannot be used; the bot's operator has been told why."

    def __init__(self, workflow: str, detail: str) -> None:
        super().__init__(f"workflow '{workflow}': {detail}")
        self.workflow = workflow


class UnknownWorkflow(ComfyError):
    """Nobody installed a workflow by that name."""

    def __init__(self, name: str, available: list[str]) -> None:
        listed = ", ".join(available) or "none"
        super().__init__(
            f"no workflow named '{name}' (available: {listed})",
            user_message=f"There is no workflow called '{name}'. Available: {listed}.",
        )
        self.name = name
