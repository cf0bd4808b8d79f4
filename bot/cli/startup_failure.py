"""A start-up step the bot cannot continue from: what went wrong and how to fix it, in one line.

`python -m bot` logs it as one ERROR line and exits with its code; the traceback goes to DEBUG only, since
a self-hoster needs the fix, not the call stack.
"""

from __future__ import annotations


class StartupFailure(Exception):
    def __init__(self, what: str, fix: str, *, exit_code: int = 1) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.what} (fix: {self.fix})"
