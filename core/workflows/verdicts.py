"""Whether each backend can run a graph, from its /object_info: what `check` reports, asked at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from comfy import errors
from comfy.client import ComfyClient
from comfy.workflows.alike_backends import ProblemsOnAlikeBackends
from comfy.workflows.template import WorkflowTemplate
from comfy.workflows.validation import NODE_MISSING, NOT_OFFERED, WorkflowProblem


@dataclass(frozen=True, slots=True)
class BackendVerdict:
    backend: str
    problems: tuple[WorkflowProblem, ...] = ()
    # Why the backend's nodes could not be read (it is down, say); None when they were.
    unreachable: str | None = None

    @property
    def can_run(self) -> bool:
        return self.unreachable is None and not self.problems

    # What the problems call for, each fixed its own way: node classes to install, files (models) to add,
    # and the rest (a graph to correct and export again).
    @property
    def missing_nodes(self) -> list[str]:
        return sorted({p.class_type for p in self.problems if p.code in NODE_MISSING})

    @property
    def lacks_files(self) -> bool:
        return any(p.code in NOT_OFFERED for p in self.problems)

    @property
    def has_other_problems(self) -> bool:
        return any(p.code not in NODE_MISSING | NOT_OFFERED for p in self.problems)


async def verdicts(clients: Sequence[ComfyClient], template: WorkflowTemplate) -> tuple[BackendVerdict, ...]:
    """Each backend's nodes read again (a model installed a minute ago counts), then the graph checked."""
    found: list[BackendVerdict] = []
    alike = ProblemsOnAlikeBackends()  # a farm of copies: the graph checked once
    for client in clients:
        try:
            object_info = await client.object_info(refresh=True)
        except errors.ComfyError as error:
            found.append(BackendVerdict(client.name, unreachable=error.detail))
            continue
        problems = alike.find(template.name, template.graph, object_info)
        found.append(BackendVerdict(client.name, tuple(problems)))
    return tuple(found)
