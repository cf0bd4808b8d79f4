"""A sentence for a member, as the core says it: a catalogue key and its values.

The core never speaks a language itself: the front-end writes the key in the member's language from its
catalogue (bot/locales), with the values filled in. `english` is the same sentence in English, for what has
no member to speak to (logs, the command line, a stored failure); tests/bot/locales checks that each key's
English in the catalogue says what `english` says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    english: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.english
