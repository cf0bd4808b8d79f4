"""`check`: the media each workflow takes (image, mask, audio), and whether a request must bring them."""

from __future__ import annotations

from bot.cli.check_result import CheckResult
from comfy.workflows.catalogue import WorkflowCatalogue
from core.kinds import KindRegistry


def workflow_inputs(kinds: KindRegistry, catalogue: WorkflowCatalogue, names: list[str]) -> list[CheckResult]:
    """One line per workflow of ``names``: "workflow 'edit' (edit) takes: image (required)"."""
    results: list[CheckResult] = []
    for name in sorted(names):
        template = catalogue.get(name)
        needs = kinds.input_needs(template)
        takes = ", ".join(f"{role} ({need})" for role, need in sorted(needs.items())) or "no input"
        results.append(CheckResult.passed(f"workflow '{name}' ({template.kind}) takes: {takes}"))
    return results
