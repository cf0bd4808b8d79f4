"""A reader for the small YAML subset our docker-compose.yml uses (PyYAML is not a dependency).

Block mappings and lists, flow lists of scalars, quoted and plain scalars, comments, anchors (`&name`),
aliases (`*name`) and merge keys (`<<: *name`). Anything else raises, so the file stays in this subset.
"""

from __future__ import annotations

import re
from typing import Any

_KEY = re.compile(r"^([A-Za-z0-9_.<-]+|\"[^\"]*\"):(?:\s+(.*))?$")


class YamlSubsetError(ValueError):
    pass


def load(text: str) -> Any:
    lines = [_strip(raw) for raw in text.splitlines()]
    reader = _Reader([(len(line) - len(line.lstrip()), line.strip()) for line in lines if line.strip()])
    value = reader.block(0)
    if reader.i != len(reader.lines):
        raise YamlSubsetError(f"unexpected indentation at: {reader.lines[reader.i][1]!r}")
    return value


def _strip(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if char in "\"'" and quote in (None, char):
            quote = None if quote else char
        elif char == "#" and quote is None and (index == 0 or line[index - 1] == " "):
            return line[:index].rstrip()
    return line.rstrip()


class _Reader:
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        self.i = 0
        self.anchors: dict[str, Any] = {}

    def block(self, indent: int) -> Any:
        if self.lines[self.i][1].startswith("- "):
            return self._list(indent)
        return self._mapping(indent)

    def _list(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while (
            self.i < len(self.lines)
            and self.lines[self.i][0] == indent
            and self.lines[self.i][1].startswith("- ")
        ):
            rest = self.lines[self.i][1][2:].strip()
            if _KEY.match(rest) and not rest.startswith(("'", '"')):
                # "- key: value" starts a mapping whose other keys sit two columns further in.
                self.lines[self.i] = (indent + 2, rest)
                items.append(self._mapping(indent + 2))
            else:
                self.i += 1
                items.append(self._scalar(rest))
        return items

    def _mapping(self, indent: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        while self.i < len(self.lines) and self.lines[self.i][0] == indent:
            text = self.lines[self.i][1]
            match = _KEY.match(text)
            if match is None:
                raise YamlSubsetError(f"not a 'key: value' line: {text!r}")
            key, rest = match.group(1).strip('"'), (match.group(2) or "").strip()
            self.i += 1
            value = self._value(rest, indent)
            if key == "<<":
                merged.update(value)
            else:
                mapping[key] = value
        return {**merged, **mapping}

    def _value(self, rest: str, indent: int) -> Any:
        anchor = None
        if rest.startswith("&"):
            anchor, _, rest = rest[1:].partition(" ")
        nested = self.i < len(self.lines) and self.lines[self.i][0] > indent
        if not rest and nested:
            value = self.block(self.lines[self.i][0])
        elif not rest and self.i < len(self.lines) and self.lines[self.i][1].startswith("- "):
            value = self._list(indent)  # a list may sit at its key's own indentation
        else:
            value = self._scalar(rest)
        if anchor:
            self.anchors[anchor] = value
        return value

    def _scalar(self, text: str) -> Any:
        if text.startswith("*"):
            return self.anchors[text[1:]]
        if text.startswith("[") and text.endswith("]"):
            inner = text[1:-1].strip()
            return [self._scalar(part.strip()) for part in inner.split(",")] if inner else []
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            return text[1:-1]
        if text == "":
            return None
        return text
