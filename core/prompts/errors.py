"""The one error a user's prompt, flags, options or attached document can cause."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as attribute

from core.errors import UserFacingError
from core.texts import Text

# A Discord message holds 2,000 characters: the list of problems must fit in one, however bad the input.
MAX_LISTED_PROBLEMS = 10
MAX_PROBLEM_CHARS = 160


@dataclass(frozen=True)
class PromptProblem:
    """One thing wrong with the request; ``field`` is what the user typed it as (``--ar``, ``lyrics``).
    ``text``: the message with its catalogue key, said in the member's language (bot.ui.prompt_problems);
    ``label``: the field so, where it is no name the member typed ("document", "lyrics file x.txt")."""

    field: str
    message: str
    text: Text | None = attribute(default=None, compare=False)  # the same problem, however it is worded
    label: Text | None = attribute(default=None, compare=False)

    @classmethod
    def of(cls, field: str | Text, message: str | Text) -> PromptProblem:
        text = message if isinstance(message, Text) else None
        return cls(str(field), str(message), text, field if isinstance(field, Text) else None)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class PromptError(UserFacingError, ValueError):
    """Every problem found in one request, reported together so the user can fix them at once."""

    def __init__(self, problems: Sequence[PromptProblem]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            user_message = f"Please fix {_shown(self.problems[0])}"
        else:
            listed = "\n".join(f"• {_shown(problem)}" for problem in self.problems[:MAX_LISTED_PROBLEMS])
            more = len(self.problems) - MAX_LISTED_PROBLEMS
            if more > 0:
                listed += f"\n• …and {more} more"
            user_message = f"Please fix these {len(self.problems)} things:\n{listed}"
        super().__init__(user_message, detail="; ".join(map(str, self.problems)))


def _shown(problem: PromptProblem) -> str:
    text = str(problem)
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"
