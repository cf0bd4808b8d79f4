"""Values from several sources of one request, each later source overriding the earlier ones out loud."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.prompts.errors import PromptProblem
from core.texts import Text, reason_of

_NOTE_VALUE_CHARS = 60
# Where a value came from: as the user wrote it ("--ar", "aspect_ratio"), or said for them in their language
# ("the document's seed").
Origin = str | Text


@dataclass
class Layers:
    values: dict[str, Any] = field(default_factory=dict)
    # Where each value came from, as the user wrote it ("--ar", "aspect_ratio", "the document's seed").
    origin: dict[str, Origin] = field(default_factory=dict)
    problems: list[PromptProblem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)

    def set(self, name: str, value: Any, origin: Origin) -> None:
        previous = self.values.get(name)
        if name in self.values and previous != value:
            used, earlier, instead = _shown(value), self.origin[name], _shown(previous)
            self.notes.append(
                Text(
                    "prompt.used_instead",
                    f"Used {origin} ({used}) instead of {earlier} ({instead}).",
                    {"origin": origin, "used": used, "earlier": earlier, "instead": instead},
                )
            )
        self.values[name], self.origin[name] = value, origin

    def set_read(self, name: str, value: Any, read: Callable[[Any], Any], origin: str) -> None:
        """Set the value `read` makes of what was typed, or record why it could not."""
        try:
            self.set(name, read(value), origin)
        except ValueError as error:
            self.problems.append(PromptProblem.of(origin, reason_of(error)))


def _shown(value: Any) -> str:
    text = ", ".join(map(_item, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= _NOTE_VALUE_CHARS else text[: _NOTE_VALUE_CHARS - 1] + "…"


def _item(item: Any) -> str:
    """A LoRA as it is typed (``ink.safetensors:0.6``); anything else as itself."""
    if isinstance(item, dict) and "name" in item:
        weight = item.get("weight")
        return f"{item['name']}:{weight:g}" if isinstance(weight, int | float) else str(item["name"])
    return str(item)
