"""The one error a user's prompt, flags, options or attached document can cause."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.errors import UserFacingError


@dataclass(frozen=True)
class PromptProblem:
    """One thing wrong with the request; ``field`` is what the user typed it as (``--ar``, ``lyrics``)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class PromptError(UserFacingError, ValueError):
    """Every problem found in one request, reported together so the user can fix them at once."""

    def __init__(self, problems: Sequence[PromptProblem]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            user_message = f"Please fix {self.problems[0]}"
        else:
            listed = "\n".join(f"• {problem}" for problem in self.problems)
            user_message = f"Please fix these {len(self.problems)} things:\n{listed}"
        super().__init__(user_message, detail="; ".join(map(str, self.problems)))
