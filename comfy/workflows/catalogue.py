"""Every workflow the bot can run: the application's built-in templates plus the operator's WORKFLOWS_DIR."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comfy.workflows.errors import UnknownWorkflow, WorkflowError
from comfy.workflows.shape import WorkflowShape
from comfy.workflows.sidecar import SIDECAR_SUFFIX, load_sidecar
from comfy.workflows.template import WorkflowTemplate, make_template
from comfy.workflows.validation import WorkflowProblem, find_problems

log = logging.getLogger(__name__)

MAX_WORKFLOW_BYTES = 2 * 1024 * 1024
# \Z, not $: `$` also matches before a final line break, so "portrait\n" passed.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


@dataclass(frozen=True)
class BuiltinWorkflow:
    """A template the application ships; a user workflow with the same name replaces it."""

    name: str
    document: bytes


@dataclass(frozen=True)
class RejectedWorkflow:
    name: str
    source: str
    reason: str


class WorkflowCatalogue:
    def __init__(
        self,
        templates: Iterable[WorkflowTemplate],
        rejected: Iterable[RejectedWorkflow] = (),
        *,
        defaults: Mapping[str, str] | None = None,
    ) -> None:
        self._templates = {template.name: template for template in templates}
        self.rejected = tuple(rejected)
        # Kind → the name of its default workflow.
        self._defaults = dict(defaults or {})

    @classmethod
    def load(
        cls,
        shapes: tuple[WorkflowShape, ...],
        defaults: Mapping[str, str],
        builtins: Sequence[BuiltinWorkflow] = (),
        workflows_dir: Path | None = None,
    ) -> WorkflowCatalogue:
        """Blocking file reads; call from a thread (see :func:`load_catalogue`) once the loop runs.

        ``defaults`` names each kind's default workflow; a user workflow of that name replaces a built-in.
        """
        templates = {template.name: template for template in builtin_templates(shapes, builtins)}
        rejected: list[RejectedWorkflow] = []
        for result in _user_workflows(workflows_dir, shapes):
            if isinstance(result, RejectedWorkflow):
                log.warning("Workflow %s from %s rejected: %s", result.name, result.source, result.reason)
                rejected.append(result)
                continue
            if result.name in templates:
                log.info("Workflow %s from %s replaces the built-in one", result.name, result.source)
            templates[result.name] = result
        return cls(templates.values(), rejected, defaults=defaults)

    def names(self, kind: str | None = None, *, scope: int | None = None) -> list[str]:
        """The workflows offered (of ``kind``). ``scope``: an owner (a guild, say) that also sees its own
        workflows in a catalogue that keeps some (see core.workflows); this one keeps none."""
        return sorted(name for name, t in self._templates.items() if kind is None or t.kind == kind)

    def resolve(self, name: str, *, scope: int | None = None, kind: str | None = None) -> str | None:
        """The name of the workflow ``name`` means to ``scope`` (see :meth:`names`); None: none offered (of
        ``kind``)."""
        template = self._templates.get(name)
        return name if template is not None and kind in (None, template.kind) else None

    def all_names(self) -> list[str]:
        """Every workflow :meth:`get` finds, whoever it is offered to (what capabilities are known for)."""
        return self.names()

    @property
    def templates(self) -> tuple[WorkflowTemplate, ...]:
        return tuple(self._templates.values())

    @property
    def defaults(self) -> dict[str, str]:
        return dict(self._defaults)

    def get(self, name: str) -> WorkflowTemplate:
        try:
            return self._templates[name]
        except KeyError:
            raise UnknownWorkflow(name, self.names()) from None

    def default(self, kind: str) -> WorkflowTemplate:
        name = self._defaults.get(kind, "")
        template = self._templates.get(name)
        if template is None or template.kind != kind:
            raise UnknownWorkflow(name, self.names(kind))
        return template

    def problems(self, object_info: Mapping[str, Any]) -> dict[str, list[WorkflowProblem]]:
        """Per workflow, what stops the backend described by ``object_info`` from running it."""
        templates = self._templates.items()
        return {name: find_problems(template.graph, object_info, name) for name, template in templates}


async def load_catalogue(
    shapes: tuple[WorkflowShape, ...],
    defaults: Mapping[str, str],
    builtins: Sequence[BuiltinWorkflow] = (),
    workflows_dir: Path | None = None,
) -> WorkflowCatalogue:
    return await asyncio.to_thread(WorkflowCatalogue.load, shapes, defaults, builtins, workflows_dir)


def valid_name(name: str) -> bool:
    """Letters, digits, '-', '_' or '.', at most 64, starting with a letter or digit (it is a file name)."""
    return bool(_NAME.match(name))


def builtin_templates(
    shapes: tuple[WorkflowShape, ...], builtins: Sequence[BuiltinWorkflow]
) -> list[WorkflowTemplate]:
    return [make_template(item.name, item.document, source="built-in", shapes=shapes) for item in builtins]


def _user_workflows(
    workflows_dir: Path | None, shapes: tuple[WorkflowShape, ...]
) -> Iterable[WorkflowTemplate | RejectedWorkflow]:
    if workflows_dir is None:
        return
    if not workflows_dir.is_dir():
        log.warning("WORKFLOWS_DIR %s is not a folder; only built-in workflows are available", workflows_dir)
        return
    for path in sorted(workflows_dir.glob("*.json")):
        if path.name.endswith(SIDECAR_SUFFIX):
            if not path.with_name(path.name.removesuffix(SIDECAR_SUFFIX) + ".json").is_file():
                log.warning("Binding sidecar %s has no workflow next to it", path)
            continue
        yield _user_workflow(path, shapes)


def _user_workflow(path: Path, shapes: tuple[WorkflowShape, ...]) -> WorkflowTemplate | RejectedWorkflow:
    name = path.stem
    try:
        if not _NAME.match(name):
            raise WorkflowError(name, "its file name must be letters, digits, '-', '_' or '.' (at most 64)")
        if path.stat().st_size > MAX_WORKFLOW_BYTES:
            raise WorkflowError(name, f"is larger than {MAX_WORKFLOW_BYTES} bytes")
        sidecar = load_sidecar(name, path, kinds=[shape.kind for shape in shapes])
        return make_template(name, path.read_bytes(), source=str(path), shapes=shapes, sidecar=sidecar)
    except WorkflowError as error:
        return RejectedWorkflow(name, str(path), error.detail)
    except OSError as error:
        return RejectedWorkflow(name, str(path), f"workflow '{name}': cannot be read ({error})")
