"""The `check` report for one workflow on every backend, as /workflows add shows it: the very lines
`python -m bot check` prints (bot/cli/check_comfyui.py), in a code block."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.cli.check_comfyui import workflow_result
from bot.cli.check_result import CheckResult, report
from core.workflows.verdicts import BackendVerdict

# Leaves room in a 2000-character message for the sentence above the report.
MAX_REPORT_CHARS = 1500


def verdict_lines(name: str, verdicts: Sequence[BackendVerdict]) -> str:
    out = io.StringIO()
    for verdict in verdicts:
        report(_result(name, verdict), out)
    text = out.getvalue().rstrip("\n")
    if len(text) > MAX_REPORT_CHARS:
        text = text[: MAX_REPORT_CHARS - 1] + "…"
    return f"```\n{text}\n```" if text else ""


def _result(name: str, verdict: BackendVerdict) -> CheckResult:
    if verdict.unreachable is not None:
        return CheckResult.failed(
            f"ComfyUI at {verdict.backend} is not reachable: {verdict.unreachable}",
            "start that ComfyUI (or correct COMFYUI_URLS), then add the workflow again",
        )
    return workflow_result(verdict.backend, name, list(verdict.problems))
