"""A1111's LoRA syntax inside a prompt, as Civitai shows it under every picture: ``<lora:ink:0.8>``
(``<lora:ink>``: weight 1), and ``<lyco:ink:0.8>`` for a LyCORIS file, which ComfyUI's LoRA loader loads
alike. Each is one of the job's LoRAs, as ``--lora ink:0.8`` is, and leaves the text to draw with the comma
it stood between (``best quality, <lora:ink:0.8>, 1girl`` draws ``best quality, 1girl``).

A1111's further values (``<lora:ink:0.8:0.5>``, a text encoder weight apart) have no place here: a LoRA
applies with one weight, the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.prompts import fields
from core.texts import InvalidValue, Text

_TAG = re.compile(r"<\s*(?:lora|lyco)\s*:([^<>]*)>", re.IGNORECASE)
# Tags in a row, with the commas around them: `, <lora:a:1>, <lora:b:1>,`.
_ANY_TAG = r"<\s*(?:lora|lyco)\s*:[^<>]*>"
_TAGS = re.compile(rf"(?P<before>\s*,)?\s*{_ANY_TAG}(?:[\s,]*{_ANY_TAG})*(?P<after>\s*,)?", re.IGNORECASE)
_WEIGHT = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")


@dataclass(frozen=True, slots=True)
class LoraTag:
    spelled: str  # as typed, for messages: "<lora:ink:0.8>"
    inside: str  # what follows "lora:": "ink:0.8"

    def lora(self) -> dict[str, Any]:
        """The LoRA as --lora gives it (its weight is checked with the LoRA)."""
        name, *values = (part.strip() for part in self.inside.split(":"))
        if not values or not name:  # no name: refused as --lora refuses it
            return fields.lora(name)
        if not _WEIGHT.match(values[0]):
            example = f"<lora:{name}:0.8>"
            raise InvalidValue(
                Text(
                    "prompt.lora_tag_weight",
                    f"needs its weight as a number after the name, like `{example}`",
                    {"example": example},
                )
            )
        return fields.lora(f"{name}:{values[0]}")


def has_lora_tags(text: str) -> bool:
    return _TAG.search(text) is not None


def take_lora_tags(text: str) -> tuple[str, list[LoraTag]]:
    """The text without its LoRA tags, and the tags in the order written."""
    tags: list[LoraTag] = []

    def taken(match: re.Match[str]) -> str:
        tags.extend(LoraTag(tag[0], tag[1]) for tag in _TAG.finditer(match[0]))
        # One comma stays between the words the tags stood between; none at either end of the text.
        comma = match["before"] or match["after"]
        between = text[: match.start()].strip() and text[match.end() :].strip()
        return ", " if comma and between else " "

    return _TAGS.sub(taken, text), tags
