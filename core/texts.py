"""A sentence for a member, as the core says it: a catalogue key and its values.

The core never speaks a language itself: the front-end writes the key in the member's language from its
catalogue (bot/locales), with the values filled in. `english` is the same sentence in English, for what has
no member to speak to (logs, the command line, a stored failure); tests/bot/locales checks that each key's
English in the catalogue says what `english` says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    english: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.english


class InvalidValue(ValueError):
    """A value refused with a reason for the member (`reason`, a Text; the message is its English): raised by
    the readers of what members type (core.prompts.fields), inside pydantic's validators too, where
    core.validation_reasons finds it again."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.english)
        self.reason = reason


def reason_of(error: ValueError) -> Text | str:
    """Why a value was refused, to say to the member: its Text where it has one, else its English."""
    return error.reason if isinstance(error, InvalidValue) else str(error)


def all_of(reasons: Sequence[Text]) -> Text:
    """Several reasons said as one ("a; b; c"), each in the member's language."""
    said = reasons[0]
    for reason in reasons[1:]:
        said = Text("list.semicolon", f"{said}; {reason}", {"first": said, "next": reason})
    return said


def each_once(texts: Iterable[Text]) -> tuple[Text, ...]:
    """`texts` in order, each said once (the notes of a permutation's prompts, read alike). A Text holds a
    dict, so it is not hashable: compared, not put in a set."""
    once: list[Text] = []
    for text in texts:
        if text not in once:
            once.append(text)
    return tuple(once)
