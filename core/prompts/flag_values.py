"""One flag's value as people type it, and the words after it that go back into the prompt.

Besides ``--ar 16:9``: a "quoted phrase" (double or single quotes, straight or curly: ``--style 'oil
painting'``), a ratio with spaces (``--ar 16 : 9``), a LoRA's weight apart from its name (``--lora
"my ink.safetensors": 0.8``), and the comma or full stop a sentence puts after a value
(``--ar 16:9, detailed``).
"""

from __future__ import annotations

import re

# A "quoted phrase" (straight or curly, double or single: an apostrophe inside a word is no quote).
_QUOTED = re.compile(r'^\s*(?:["“”]([^"“”]*)["“”]?|[\'‘]([^\'‘’]*)[\'’](?!\w))(.*)$', re.DOTALL)
_WHOLLY_QUOTED = re.compile(r'^["“”\'‘]([^"“”]*)["“”\'’]$')
# `--ar 16 : 9`, `--ar 16: 9`: a ratio with spaces, as phones and quick typing leave it.
_SPACED_RATIO = re.compile(r"^\s*(\d+)\s*([:∶：x×/])\s*(\d+)[,;.]?(?!\S)")
# A LoRA's weight apart from its name: `"my lora.safetensors":0.8`, `ink: 0.8`, `ink : 0.8`.
_WEIGHT_AFTER = re.compile(r"^\s*(:?)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))[,;.]?(?!\S)")
# What a sentence puts after a value (`--ar 16:9, highly detailed`) is not part of it.
_AFTER_VALUE = ",;."


def value_of(field_name: str, segment: str) -> tuple[str, str]:
    """The flag's value and the words after it that belong to the prompt."""
    if field_name == "negative_prompt":
        quoted = _WHOLLY_QUOTED.match(segment.strip())
        return (quoted[1] if quoted else segment).strip(), ""
    ratio = _SPACED_RATIO.match(segment) if field_name == "aspect_ratio" else None
    if ratio is not None:
        return "".join(ratio.groups()), segment[ratio.end() :]
    value, rest = first_value(segment)
    weight = _WEIGHT_AFTER.match(rest) if field_name == "loras" else None
    if weight is not None and (weight[1] or value.endswith(":")):
        return f"{value.rstrip(':')}:{weight[2]}", rest[weight.end() :]
    return value, rest


def first_value(segment: str) -> tuple[str, str]:
    """One word, or a quoted phrase, and what follows it."""
    quoted = _QUOTED.match(segment)
    if quoted is not None:
        return (quoted[1] if quoted[1] is not None else quoted[2]).strip(), quoted[3]
    words = segment.split(maxsplit=1)
    if not words:
        return "", ""
    return words[0].rstrip(_AFTER_VALUE) or words[0], words[1] if len(words) > 1 else ""
