"""Permutation prompts, as on Midjourney: `a {red, blue} bird` is two jobs, `a red bird` and `a blue bird`.

The options of a `{...}` are split on its own commas; several groups multiply (`{a, b} {c, d}` is four
prompts), groups nest (`{a, {b, c}}` is three) and may stand in a flag (`--ar {1:1, 16:9}`), and an option
may be empty (`a {, red} bird` is `a bird` and `a red bird`). Braces without a comma of their own are text
as typed (`{{masterpiece}}`, a `{red|blue}` meant for another tool): they ask for one prompt, and changing
them would change what such prompts always meant. `\\{`, `\\}` and `\\\\` are the characters themselves,
and `\\,` a comma inside braces. A prompt without a brace is returned as it was typed, backslashes and all.
Backslashes right before a flag (`\\--ar`) are the flag escape's (core.prompts.flag_escapes), left as they
are for the flags to read, so that `\\\\--ar` is a backslash and a flag with braces or without.

The count is worked out from the braces before a single prompt is built, so `{a,b}` typed forty times is
refused at once instead of building a trillion strings.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flag_escapes import BACKSLASHES_BEFORE_FLAG
from core.texts import Text

# Jobs one prompt may become: Midjourney's smallest plan allows 4, and each is a job in the member's queue.
MOST_PERMUTATIONS = 4
# Braces inside braces inside... deeper than this is a typing accident, not a prompt.
MOST_NESTING = 8

_ESCAPED = {"\\{": "{", "\\}": "}", "\\,": ",", "\\\\": "\\"}
_BACKSLASHES = re.compile(r"\\+")
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True, slots=True)
class _Group:
    options: tuple[_Sequence, ...]

    def count(self) -> int:
        return sum(option.count() for option in self.options)

    def expand(self) -> list[str]:
        return [text for option in self.options for text in option.expand()]


@dataclass(frozen=True, slots=True)
class _Sequence:
    parts: tuple[str | _Group, ...]

    def count(self) -> int:
        total = 1
        for part in self.parts:
            if isinstance(part, _Group):
                total *= part.count()
        return total

    def expand(self) -> list[str]:
        choices = [[part] if isinstance(part, str) else part.expand() for part in self.parts]
        return ["".join(chosen) for chosen in itertools.product(*choices)]


def has_permutations(text: str) -> bool:
    return "{" in text or "}" in text


def escape_permutations(text: str) -> str:
    """`text` written so that expanding it gives it back whole: a prompt stored with braces of its own
    (typed escaped, or from a document) put back in a form does not become several jobs."""
    if not has_permutations(text):
        return text  # expanded, a prompt without a brace is itself, backslashes and all
    doubled = _BACKSLASHES.sub(lambda run: run[0] if _before_flag(text, run) else run[0] * 2, text)
    return doubled.replace("{", "\\{").replace("}", "\\}")


def _before_flag(text: str, run: re.Match[str]) -> bool:
    return BACKSLASHES_BEFORE_FLAG.match(text, run.start()) is not None


def expand_permutations(text: str, *, most: int = MOST_PERMUTATIONS) -> list[str]:
    """Every prompt `text` stands for, in reading order; a PromptError for an unclosed or stray brace, or
    for more than `most` prompts."""
    if not has_permutations(text):
        return [text]
    tree = _Reader(text).whole()
    count = tree.count()
    if count > most:
        raise _problem(
            Text(
                "permutations.too_many",
                f"makes {count} prompts from its braces; at most {most} at once",
                {"count": count, "most": most},
            )
        )
    return [_SPACES.sub(" ", prompt).strip() for prompt in tree.expand()]


class _Reader:
    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0

    def whole(self) -> _Sequence:
        sequence = self._sequence(depth=0)
        if self._at < len(self._text):  # only a `}` or `,` stops a sequence early; a `,` out here is text
            raise _problem(
                Text(
                    "permutations.stray_close",
                    "has a `}` with no `{` before it (write `\\}` for a brace itself)",
                )
            )
        return sequence

    def _sequence(self, depth: int) -> _Sequence:
        parts: list[str | _Group] = []
        text: list[str] = []
        while self._at < len(self._text):
            char = self._text[self._at]
            pair = self._text[self._at : self._at + 2]
            flag_escape = BACKSLASHES_BEFORE_FLAG.match(self._text, self._at)
            if flag_escape is not None:
                text.append(flag_escape[0])
                self._at = flag_escape.end()
            elif pair in _ESCAPED and (pair != "\\," or depth > 0):
                text.append(_ESCAPED[pair])
                self._at += 2
            elif char == "{":
                self._at += 1
                parts.append("".join(text))
                text = []
                parts.extend(self._group(depth + 1))
            elif char == "}" or (char == "," and depth > 0):
                break
            else:
                text.append(char)
                self._at += 1
        parts.append("".join(text))
        return _Sequence(tuple(part for part in parts if part != ""))

    def _group(self, depth: int) -> list[str | _Group]:
        """A group's options; a group without a comma is its text, braces and all (see above)."""
        if depth > MOST_NESTING:
            raise _problem(
                Text(
                    "permutations.too_deep",
                    f"nests braces more than {MOST_NESTING} deep",
                    {"most": MOST_NESTING},
                )
            )
        options = [self._sequence(depth)]
        while self._at < len(self._text) and self._text[self._at] == ",":
            self._at += 1
            options.append(self._sequence(depth))
        if self._at >= len(self._text):
            raise _problem(
                Text(
                    "permutations.unclosed", "has a `{` that is never closed (write `\\{` for a brace itself)"
                )
            )
        self._at += 1  # the closing brace
        if len(options) == 1:
            return ["{", *options[0].parts, "}"]
        return [_Group(tuple(_trimmed(option) for option in options))]


def _trimmed(option: _Sequence) -> _Sequence:
    """An option without the spaces around it: `{red, blue}` offers `blue`, not ` blue`."""
    parts = list(option.parts)
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return _Sequence(tuple(part for part in parts if part != ""))


def _problem(message: Text) -> PromptError:
    return PromptError([PromptProblem.of("prompt", message)])
