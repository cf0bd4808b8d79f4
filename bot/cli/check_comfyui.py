"""`check`: every ComfyUI backend answers, and which workflows of the catalogue it can run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.cli.check_models import offered_models
from bot.cli.check_result import CheckResult
from comfy import errors
from comfy.transport import HttpTransport
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.validation import NODE_MISSING, NOT_OFFERED, WorkflowProblem

REQUEST_TIMEOUT_S = 10.0
_SHOWN_PROBLEMS = 3


def check_workflow_files(catalogue: WorkflowCatalogue, workflows_dir: Path | None) -> list[CheckResult]:
    results: list[CheckResult] = []
    if workflows_dir is not None and not workflows_dir.is_dir():
        results.append(
            CheckResult.failed(
                f"WORKFLOWS_DIR {workflows_dir} is not a folder",
                "create the folder, correct WORKFLOWS_DIR, or leave it empty for the built-in workflows only",
            )
        )
    for rejected in catalogue.rejected:
        results.append(
            CheckResult.failed(
                f"workflow '{rejected.name}' ({rejected.source}) cannot be used: {rejected.reason}",
                "export it again with ComfyUI's “Save (API)”, or name the nodes in a "
                f"{rejected.name}.binding.json sidecar (README: “Add your own workflow”)",
            )
        )
    names = ", ".join(catalogue.names()) or "none"
    results.append(CheckResult.passed(f"workflows loaded: {names}"))
    return results


@dataclass(frozen=True)
class BackendCheck:
    results: list[CheckResult]
    # Per workflow name, whether this backend can run it; empty when its nodes could not be read.
    workflows: dict[str, CheckResult] = field(default_factory=dict)


async def check_backend(
    http: aiohttp.ClientSession, url: str, catalogue: WorkflowCatalogue, names: list[str]
) -> BackendCheck:
    """The backend answers, lists its nodes, and can (or cannot) run each of the workflows ``names``."""
    transport = HttpTransport(http, url, request_timeout_s=REQUEST_TIMEOUT_S)
    try:
        stats = await transport.system_stats()
    except errors.ComfyError as exc:
        return BackendCheck(
            [
                CheckResult.failed(
                    f"ComfyUI at {url} is not reachable: {exc.detail}",
                    f"start ComfyUI at {url} (e.g. `python main.py --listen 0.0.0.0 --port 8188`), "
                    "or correct COMFYUI_URLS (comma-separated base URLs)",
                )
            ]
        )
    results = [CheckResult.passed(f"ComfyUI at {url} answers ({_describe_system(stats)})")]
    try:
        object_info = await transport.object_info()
    except errors.ComfyError as exc:
        results.append(
            CheckResult.failed(
                f"ComfyUI at {url} does not list its nodes: {exc.detail}",
                "restart that ComfyUI and look at its console for errors while it loads custom nodes",
            )
        )
        return BackendCheck(results)
    results.append(offered_models(url, object_info))
    problems = catalogue.problems(object_info)
    return BackendCheck(results, {name: workflow_result(url, name, problems[name]) for name in names})


def workflow_result(url: str, name: str, problems: list[WorkflowProblem]) -> CheckResult:
    if not problems:
        return CheckResult.passed(f"workflow '{name}' can run on {url}")
    shown = "; ".join(str(problem) for problem in problems[:_SHOWN_PROBLEMS])
    if len(problems) > _SHOWN_PROBLEMS:
        shown += f"; and {len(problems) - _SHOWN_PROBLEMS} more"
    return CheckResult.failed(f"workflow '{name}' cannot run on {url}: {shown}", _fix_for(problems))


def _fix_for(problems: list[WorkflowProblem]) -> str:
    kinds = {_category(problem) for problem in problems}
    fixes: list[str] = []
    if "node" in kinds:
        missing = sorted({p.class_type for p in problems if _category(p) == "node"})
        fixes.append(
            f"install the custom nodes that provide {', '.join(missing)} on that ComfyUI "
            "(e.g. with ComfyUI-Manager) and restart it"
        )
    if "model" in kinds:
        fixes.append(
            "put the missing model files into that ComfyUI's models folders, or change the workflow "
            "to use a model it offers"
        )
    if "other" in kinds:
        fixes.append("correct the workflow in ComfyUI and export it again with “Save (API)”")
    return "; ".join(fixes)


def _category(problem: WorkflowProblem) -> str:
    if problem.code in NODE_MISSING:
        return "node"
    if problem.code in NOT_OFFERED:
        return "model"
    return "other"


def _describe_system(stats: Mapping[str, Any]) -> str:
    system = stats.get("system")
    version = system.get("comfyui_version") if isinstance(system, Mapping) else None
    devices = stats.get("devices")
    names = (
        [str(d.get("name")) for d in devices if isinstance(d, Mapping)] if isinstance(devices, list) else []
    )
    parts = [f"ComfyUI {version}" if version else "version unknown"]
    if names:
        parts.append("devices: " + ", ".join(names))
    return "; ".join(parts)
