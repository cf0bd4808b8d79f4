"""The text a member types for a job made from a result (Remix's prompt, a reply's), read as /imagine reads
its prompt: `--ar 16:9 --no text --seed 7` change those parameters instead of being drawn as words, as
Midjourney's Remix lets a prompt's parameters change between variations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.kinds import IMAGE, SONG, JobKind
from core.kinds.fields import CONTROL_CHARACTERS
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flag_escapes import escape_flags
from core.prompts.flags import empty_prompt, extract_flags
from core.prompts.lyrics import clean_lyrics
from core.prompts.permutations import escape_permutations
from core.texts import Text


@dataclass(frozen=True, slots=True)
class TypedText:
    """The main text left once its flags are out, the parameters they set, each flag as it was typed
    (field -> "--ar"), and notes on how it was read (Midjourney settings ignored)."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)
    notes: tuple[Text, ...] = ()


def read_prompt(text: str) -> TypedText:
    flags = extract_flags(CONTROL_CHARACTERS.sub(" ", text))
    problems = list(flags.problems)
    if not flags.prompt and text.strip():  # only flags: nothing left to draw
        problems.append(PromptProblem.of("prompt", empty_prompt(flags)))
    if problems:
        raise PromptError(problems)
    return TypedText(flags.prompt, dict(flags.values), dict(flags.spelled), flags.notes())


def read_lyrics(text: str) -> TypedText:
    """A cover's lyrics, laid out and checked as the /song form's are (sections typed on one line)."""
    cleaned, problems = clean_lyrics(text)
    if problems:
        raise PromptError(problems)
    return TypedText(cleaned)


# How each kind's typed text is read: a prompt's flags, a song's lyrics sections; another kind's (an edit's
# instruction) is taken as it is typed.
READERS: dict[JobKind, Callable[[str], TypedText]] = {IMAGE: read_prompt, SONG: read_lyrics}
# What each kind's reader takes for more than text, escaped in a stored text put back: a prompt's flags.
_ESCAPERS: dict[JobKind, Callable[[str], str]] = {IMAGE: escape_flags}


def read_typed(kind: JobKind, text: str) -> TypedText:
    reader = READERS.get(kind)
    return TypedText(text) if reader is None else reader(text)


def retyped_prompt(kind: JobKind, prompt: str) -> str:
    """A stored prompt as it is typed to mean it again, for a job of `kind` (a form pre-filled with it):
    its braces escaped, as a prompt form expands them for every kind, and its text `--word`s where `kind`
    reads flags, so that sent back as it is it is this one prompt, with no flag and no permutation."""
    escape = _ESCAPERS.get(kind)
    return escape_permutations(escape(prompt) if escape else prompt)
