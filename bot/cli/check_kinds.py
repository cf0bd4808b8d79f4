"""`check`: each kind of job is offered only if some backend can run it; one it cannot is switched off.

A kind no backend can run is not a failure: the bot runs without it (its command answers that it is not
set up). Its workflows' problems become warnings, with the fix, and a line says how to switch it off
for good (ENABLED_KINDS).
"""

from __future__ import annotations

from dataclasses import replace

from bot.cli.check_comfyui import BackendCheck
from bot.cli.check_result import CheckResult
from comfy.workflows.catalogue import WorkflowCatalogue
from core.kinds import KindRegistry


def checked_workflows(
    kinds: KindRegistry, catalogue: WorkflowCatalogue, enabled: tuple[str, ...] | None
) -> list[str]:
    """The workflows worth checking on the backends: those of the kinds ENABLED_KINDS offers."""
    return [
        name
        for spec in kinds
        if enabled is None or spec.kind in enabled
        for name in catalogue.names(spec.kind)
    ]


def kind_results(
    kinds: KindRegistry,
    catalogue: WorkflowCatalogue,
    enabled: tuple[str, ...] | None,
    backends: list[BackendCheck],
) -> list[CheckResult]:
    """Per kind: its workflows' lines on every backend, and whether it is offered."""
    results: list[CheckResult] = []
    answered = [backend for backend in backends if backend.workflows]
    for spec in kinds:
        command = f"/{spec.texts.command}"
        if enabled is not None and spec.kind not in enabled:
            results.append(CheckResult.passed(f"{command} is switched off by ENABLED_KINDS"))
            continue
        names = catalogue.names(spec.kind)
        lines = [backend.workflows[name] for backend in answered for name in names]
        if not answered or any(line.ok for line in lines):
            results += _with_fallbacks(kinds.default_workflows(spec.kind), names, answered)
            continue
        others = ",".join(k for k in (enabled or kinds.kinds) if k != spec.kind) or "..."
        results += [replace(line, ok=True, warning=True) for line in lines]
        results.append(
            CheckResult.warned(
                f"{command} is switched off: no ComfyUI backend can run a {spec.texts.noun} workflow "
                f"({', '.join(names) or 'none installed'}); "
                f"it answers that {spec.texts.plural} are not set up",
                f"give a backend what the workflows above need, or set ENABLED_KINDS={others} to leave "
                f"{spec.texts.plural} out on purpose",
            )
        )
    return results


def _with_fallbacks(
    chain: tuple[str, ...], names: list[str], answered: list[BackendCheck]
) -> list[CheckResult]:
    """Each workflow's line per backend; a default that falls back to one that runs is only a warning."""
    runs = {name for backend in answered for name in chain if name in names and backend.workflows[name].ok}
    results: list[CheckResult] = []
    for backend in answered:
        for name in names:
            line = backend.workflows[name]
            fallback = next((other for other in chain if other in runs and other != name), None)
            if not line.ok and name in chain and fallback is not None:
                line = replace(
                    line, ok=True, warning=True, what=f"{line.what} (its fallback '{fallback}' is used)"
                )
            results.append(line)
    return results
