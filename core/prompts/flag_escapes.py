r"""``\--word`` in a prompt is the text ``--word``, not a flag: a prompt may be about a command line, and a
prompt stored with such words (typed escaped, or from a document) goes back into a form and reads the same.

Backslashes right before a flag's dashes (``--``, or a phone's ``—``/``–``, then a letter) at the start of a
word escape them as ``\{`` escapes a brace: an odd number is half as many (rounded down), then the dashes
as text (``\--ar`` is ``--ar``, ``\\\--ar`` is ``\--ar``); an even number is half as many, then a real
flag (``\\--ar 16:9`` is a ``\`` and the flag). Backslashes anywhere else are text as typed, as they are
in a prompt without braces (core.prompts.permutations).
"""

from __future__ import annotations

import re

# What a flag starts with (core.prompts.flags reads the rest of its name).
FLAG_START = re.compile(r"(?:--|—|–)[A-Za-z]")
# Backslashes before a flag's dashes, wherever they stand: permutations leave them to this module.
BACKSLASHES_BEFORE_FLAG = re.compile(rf"\\+(?={FLAG_START.pattern})")
_ESCAPES = re.compile(rf"(?<!\S)(\\+)(?={FLAG_START.pattern})")
_TO_ESCAPE = re.compile(rf"(?<!\S)(\\*)(?={FLAG_START.pattern})")


def free_flags(text: str) -> str:
    r"""`text` with each flag behind an even number of backslashes set apart from half as many, so that it
    reads as a flag: ``\\--ar`` as ``\ --ar``."""
    return _ESCAPES.sub(lambda run: run[0] if len(run[1]) % 2 else "\\" * (len(run[1]) // 2) + " ", text)


def unescape_flags(text: str) -> str:
    r"""`text` (its flags read already) with each escaped flag's dashes as text: ``\--ar`` as ``--ar``."""
    return _ESCAPES.sub(lambda run: "\\" * (len(run[1]) // 2), text)


def escape_flags(text: str) -> str:
    r"""`text` written so that reading it gives it back with no flag in it: ``--ar`` as ``\--ar``, and the
    backslashes before one doubled."""
    return _TO_ESCAPE.sub(lambda run: "\\" * (2 * len(run[1]) + 1), text)
