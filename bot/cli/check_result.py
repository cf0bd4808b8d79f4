"""One line of `python -m bot check`: what was checked, whether it passed, and how to fix it if not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.logging_setup import redact_url_passwords


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
    """Print the result; a password inside a URL (a ComfyUI behind basic auth, say) is never shown."""
    mark = "✓" if result.ok else "✗"
    out.write(redact_url_passwords(f"{mark} {result.what}\n"))
    if not result.ok and result.fix:
        out.write(redact_url_passwords(f"    fix: {result.fix}\n"))
    out.flush()
