"""Typed prompts that only point at an attached document ("see attached document", "json below", "-").

Discord makes the prompt option feel mandatory, so people type a stand-in and put the real prompt in
the document: such a stand-in must never be drawn.
"""

from __future__ import annotations

import re

_POINTERS = frozenset(
    {"attached", "attachment", "attachments", "document", "doc", "file", "json", "upload", "uploaded"}
    | {"see", "below", "above", "txt"}
)
_FILLERS = frozenset(
    {"the", "a", "an", "my", "this", "in", "from", "use", "read", "check", "please", "pls", "as", "per"}
    | {"here", "it", "is", "prompt", "of", "for", "and", "to", "attach", "me"}
)
_WORD = re.compile(r"[a-z]+")


def is_placeholder(typed: str) -> bool:
    """True when the typed prompt is empty, only punctuation, or only words that point at a document."""
    words = _WORD.findall(typed.lower())
    if not words:
        return not any(character.isalnum() for character in typed)
    return all(word in _POINTERS | _FILLERS for word in words) and any(word in _POINTERS for word in words)
