"""The check of one workflow on every backend, as /workflows add shows it: the lines `python -m bot check`
prints (bot/cli/check_comfyui.py), in the member's language, in a code block; and why a workflow given is
no workflow at all (unusable_reason).

Each problem is worded from its code and values (comfy.workflows.validation.MESSAGES has their English, and
comfy.workflows.errors.REASONS those of an unusable document); what a backend said when it could not be
reached stays as it said it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.locales import Words
from bot.logging_setup import redact_url_credentials
from core.workflows.verdicts import BackendVerdict

# Leaves room in a 2000-character message for the sentence above the report.
MAX_REPORT_CHARS = 1500
_SHOWN_PROBLEMS = 3


class Problem(Protocol):
    """What the report reads of a comfy.workflows.validation.WorkflowProblem."""

    @property
    def node_id(self) -> str: ...
    @property
    def class_type(self) -> str: ...
    @property
    def input_name(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def values(self) -> Mapping[str, str]: ...


class Reason(Protocol):
    """What unusable_reason reads of a comfy.workflows.errors.UnusableReason."""

    @property
    def code(self) -> str: ...
    @property
    def values(self) -> Mapping[str, str]: ...
    @property
    def message(self) -> str: ...


def unusable_reason(words: Words, name: str, reasons: Sequence[Reason]) -> str:
    """ "workflow 'x': is not valid JSON (...)", each reason in the member's language."""
    said = "; ".join(_coded(words, "workflows.unusable", reason) for reason in reasons)
    return words("workflows.unusable.reasons", name=name, reasons=said)


def verdict_lines(words: Words, name: str, verdicts: Sequence[BackendVerdict]) -> str:
    lines = [line for verdict in verdicts for line in _lines(words, name, verdict)]
    # A password inside a backend's URL (a ComfyUI behind basic auth, say) is never shown.
    text = redact_url_credentials("\n".join(lines))
    if len(text) > MAX_REPORT_CHARS:
        text = text[: MAX_REPORT_CHARS - 1] + "…"
    return f"```\n{text}\n```" if text else ""


def _lines(words: Words, name: str, verdict: BackendVerdict) -> list[str]:
    backend = verdict.backend
    if verdict.unreachable is not None:
        return [
            "✗ " + words("workflows.check.unreachable", backend=backend, reason=verdict.unreachable),
            "    " + words("workflows.check.fix", fix=words("workflows.check.fix_unreachable")),
        ]
    if not verdict.problems:
        return ["✓ " + words("workflows.check.can_run", name=name, backend=backend)]
    problems = verdict.problems
    shown = "; ".join(_problem(words, problem) for problem in problems[:_SHOWN_PROBLEMS])
    if len(problems) > _SHOWN_PROBLEMS:
        shown = words("models.listed_and_more", shown=shown, more=len(problems) - _SHOWN_PROBLEMS)
    return [
        "✗ " + words("workflows.check.cannot_run", name=name, backend=backend, problems=shown),
        "    " + words("workflows.check.fix", fix=_fixes(words, verdict)),
    ]


def _problem(words: Words, problem: Problem) -> str:
    where = (
        words("workflows.check.node", node=problem.node_id, node_class=problem.class_type)
        if problem.input_name is None
        else words(
            "workflows.check.node_input",
            node=problem.node_id,
            node_class=problem.class_type,
            input=problem.input_name,
        )
    )
    return f"{where}: {_coded(words, 'workflows.problem', problem)}"


def _coded(words: Words, section: str, problem: Reason) -> str:
    # A problem without words in the catalogue (a code added to comfy/ since) is said in its English.
    said = words.optional(f"{section}.{problem.code}", **problem.values)
    return said if said is not None else problem.message


def _fixes(words: Words, verdict: BackendVerdict) -> str:
    fixes: list[str] = []
    if verdict.missing_nodes:
        fixes.append(words("workflows.check.fix_nodes", nodes=", ".join(verdict.missing_nodes)))
    if verdict.lacks_files:
        fixes.append(words("workflows.check.fix_models"))
    if verdict.has_other_problems:
        fixes.append(words("workflows.check.fix_other"))
    return "; ".join(fixes)
