"""The text a member types for a job made from a result (Remix's prompt, a reply's), read as /imagine reads
its prompt: `--ar 16:9 --no text --seed 7` change those parameters instead of being drawn as words, as
Midjourney's Remix lets a prompt's parameters change between variations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.kinds import IMAGE, JobKind
from core.kinds.fields import CONTROL_CHARACTERS
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flags import extract_flags
from core.texts import Text

# (text typed) -> (the main text left, the parameters its flags set); PromptError for a bad flag.
TextReader = Callable[[str], tuple[str, dict[str, Any]]]


def read_prompt(text: str) -> tuple[str, dict[str, Any]]:
    flags = extract_flags(CONTROL_CHARACTERS.sub(" ", text))
    problems = list(flags.problems)
    if not flags.prompt and text.strip():  # only flags: nothing left to draw
        problems.append(PromptProblem.of("prompt", Text("prompt.empty", "is empty; describe what to draw")))
    if problems:
        raise PromptError(problems)
    return flags.prompt, dict(flags.values)


# The kinds whose typed text carries flags; another kind's (a cover's lyrics, an edit's instruction) is
# taken as it is typed.
READERS: dict[JobKind, TextReader] = {IMAGE: read_prompt}


def read_typed(kind: JobKind, text: str) -> tuple[str, dict[str, Any]]:
    reader = READERS.get(kind)
    return (text, {}) if reader is None else reader(text)
