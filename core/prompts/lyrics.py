"""Lyrics as users paste them: cleaned, sections checked, ready for :class:`SongParams`.

Sections are ``[intro] [verse] [pre-chorus] [chorus] [bridge] [outro] [inst]`` in any case, optionally
numbered (``[Verse 2]``) and written as lyrics sites and Suno write them (``[Verse 1: Alice]``,
``[Chorus x2]``, ``[Guitar Solo]``: see comfy.workflows.music). A Discord text option cannot hold line
breaks, so in one-line lyrics every ``[section]`` starts a new line: ``[verse] la la [chorus] oh`` works as
typed.
"""

from __future__ import annotations

import re

from comfy.workflows.music import SECTION_NAMES, section_marker, unknown_sections
from core.kinds.fields import CONTROL_CHARACTERS, LYRICS_MAX_CHARS
from core.prompts.errors import PromptProblem
from core.texts import Text

# Tabs become spaces; other control characters (pasted from PDFs, terminals) are dropped.
_BRACKETED = re.compile(r"\s*\[([^\[\]\n]{1,40})\]\s*")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_lyrics(text: str, field: str | Text = "lyrics") -> tuple[str, list[PromptProblem]]:
    """The cleaned lyrics and what is wrong with them (unknown sections, too long)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = CONTROL_CHARACTERS.sub("", text)
    laid_out = _laid_out(text, before_section="\n\n")
    if len(laid_out) > LYRICS_MAX_CHARS:
        # The blank line before each section is the bot's own: it never makes the member's lyrics too long
        # (4000 characters typed into the form, all Discord allows, must fit).
        laid_out = _laid_out(text, before_section="\n")
    text = laid_out
    problems: list[PromptProblem] = []
    unknown = unknown_sections(text)
    if unknown:
        listed = ", ".join(f"[{label}]" for label in unknown)
        known = " ".join(f"[{name}]" for name in SECTION_NAMES)
        said = (
            Text(
                "prompt.unknown_section",
                f"unknown section {listed}; use {known}",
                {"listed": listed, "known": known},
            )
            if len(unknown) == 1
            else Text(
                "prompt.unknown_sections",
                f"unknown sections {listed}; use {known}",
                {"listed": listed, "known": known},
            )
        )
        problems.append(PromptProblem.of(field, said))
    if len(text) > LYRICS_MAX_CHARS:
        length = len(text)
        said = Text(
            "prompt.lyrics_too_long",
            f"is {length} characters long; at most {LYRICS_MAX_CHARS}",
            {"length": length, "most": LYRICS_MAX_CHARS},
        )
        problems.append(PromptProblem.of(field, said))
    return text, problems


def _laid_out(text: str, *, before_section: str) -> str:
    """Sections on lines of their own, after ``before_section``; no runs of blank lines, no end spaces."""
    one_line = "\n" not in text.strip()

    def header(match: re.Match[str]) -> str:
        if not one_line and section_marker(match[1]) is None:
            return match[0]
        return f"{before_section}[{match[1].strip()}]\n"

    lines = [line.rstrip() for line in _BRACKETED.sub(header, text).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
