"""One line of `python -m bot check`: what was checked, whether it passed, and how to fix it if not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    what: str
    fix: str = ""

    @classmethod
    def passed(cls, what: str) -> CheckResult:
        return cls(True, what)

    @classmethod
    def failed(cls, what: str, fix: str) -> CheckResult:
        return cls(False, what, fix)


def report(result: CheckResult, out: TextIO) -> None:
    mark = "✓" if result.ok else "✗"
    out.write(f"{mark} {result.what}\n")
    if not result.ok and result.fix:
        out.write(f"    fix: {result.fix}\n")
    out.flush()
