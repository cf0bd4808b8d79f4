"""What was wrong with a request (core.prompts.PromptError), listed in the asker's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot.locales import Words
from core.prompts.errors import MAX_LISTED_PROBLEMS, MAX_PROBLEM_CHARS, PromptProblem


def problems_text(words: Words, problems: Sequence[PromptProblem]) -> str:
    """One problem in a sentence; several as a list (at most MAX_LISTED_PROBLEMS, then how many more)."""
    shown = [_shown(words, problem) for problem in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) == 1:
        return words("prompt.fix_one", problem=shown[0])
    listed = "\n".join(f"• {line}" for line in shown)
    more = len(problems) - MAX_LISTED_PROBLEMS
    if more > 0:
        listed += "\n• " + words("prompt.and_more", count=more)
    return words("prompt.fix_many", count=len(problems), problems=listed)


def _shown(words: Words, problem: PromptProblem) -> str:
    message = words.say(problem.text) if problem.text is not None else problem.message
    field = words.say(problem.label) if problem.label is not None else problem.field
    text = f"{field}: {message}"
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"
