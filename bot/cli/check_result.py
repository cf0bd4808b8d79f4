"""One line of `python -m bot check`: what was checked, whether it passed, and how to fix it if not.

A warning is a problem the bot runs with (a kind of job switched off): it has a fix but does not fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.logging_setup import redact_url_credentials


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    what: str
    fix: str = ""
    warning: bool = False

    @classmethod
    def passed(cls, what: str) -> CheckResult:
        return cls(True, what)

    @classmethod
    def failed(cls, what: str, fix: str) -> CheckResult:
        return cls(False, what, fix)

    @classmethod
    def warned(cls, what: str, fix: str) -> CheckResult:
        return cls(True, what, fix, warning=True)


def report(result: CheckResult, out: TextIO) -> None:
    """Print the result; a password inside a URL (a ComfyUI behind basic auth, say) is never shown."""
    mark = "!" if result.warning else "✓" if result.ok else "✗"
    out.write(redact_url_credentials(f"{mark} {result.what}\n"))
    if (result.warning or not result.ok) and result.fix:
        out.write(redact_url_credentials(f"    fix: {result.fix}\n"))
    out.flush()
