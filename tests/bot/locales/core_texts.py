"""The core's sentences (core.texts.Text) as written in its code, read without running it.

Each `Text("key", "English…" or f"English {value}…", {"name": value})` gives the key and the template its
English stands for: every `{expression}` of the f-string becomes `{name}`, the name its value has in the
values. The key may be an f-string too (`f"refusal.cancel_{job.status.value}"`): its template is then
checked against every catalogue key it can be.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import core

ROOT = Path(core.__file__).parent


@dataclass(frozen=True)
class WrittenText:
    where: str
    key_pattern: str  # a regular expression: the key, or what an f-string key may be
    template: str | None  # None: the English could not be read as one template (said so by the test)

    def keys_in(self, catalogue: dict[str, str]) -> list[str]:
        return [key for key in catalogue if re.fullmatch(self.key_pattern, key)]


def written_texts() -> Iterator[WrittenText]:
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text":
                found = _read(node)
                if found is not None:
                    yield WrittenText(f"{path.relative_to(ROOT.parent)}:{node.lineno}", *found)


def _read(call: ast.Call) -> tuple[str, str | None] | None:
    if len(call.args) < 2:
        return None
    key, english = call.args[0], call.args[1]
    values = call.args[2] if len(call.args) > 2 else None
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        pattern = re.escape(key.value)
    elif isinstance(key, ast.JoinedStr):
        pattern = "".join(
            re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+" for part in key.values
        )
    else:
        return None
    if pattern.startswith("kinds\\."):
        return None  # a kind's noun: checked with the kinds (test_catalogue)
    names = {}
    if isinstance(values, ast.Dict):
        names = {
            ast.unparse(_english_of(value)): str(name.value)
            for name, value in zip(values.keys, values.values, strict=True)
            if isinstance(name, ast.Constant)
        }
    return pattern, _template(english, names)


def _english_of(value: ast.expr) -> ast.expr:
    """A value that is itself a Text (a kind's noun) stands for its English in the f-string."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Text":
        return value.args[1]
    return value


def _template(english: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(english, ast.Constant) and isinstance(english.value, str):
        return english.value.replace("{", "{{").replace("}", "}}")
    if not isinstance(english, ast.JoinedStr):
        return None
    parts = []
    for part in english.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(part, ast.FormattedValue) and ast.unparse(part.value) in names:
            parts.append("{" + names[ast.unparse(part.value)] + "}")
        else:
            return None
    return "".join(parts)
