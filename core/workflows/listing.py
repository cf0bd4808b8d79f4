"""What /workflows list shows a guild: every workflow it is offered, where it comes from, what it takes,
which backends can run it and how many of the guild's jobs are on it now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from comfy.workflows.template import WorkflowTemplate
from core.kinds import InputNeed, KindRegistry
from core.workflows.library import WorkflowLibrary
from core.workflows.shelf import WorkflowShelf

Origin = Literal["built-in", "file", "server", "everywhere"]


@dataclass(frozen=True, slots=True)
class ListedWorkflow:
    name: str
    kind: str
    origin: Origin
    inputs: Mapping[str, InputNeed]
    backends: frozenset[str]
    jobs: int
    version: str
    # Who added it from Discord (None: built in or a file).
    added_by: int | None = None
    # A stored workflow that a WORKFLOWS_DIR file of the same name replaces (the file is what runs).
    shadowed: bool = False


async def listing(
    shelf: WorkflowShelf,
    kinds: KindRegistry,
    backends_for: Callable[[str], frozenset[str]],
    guild_id: int,
) -> list[ListedWorkflow]:
    library = shelf.library
    jobs = await shelf.store.jobs_waiting_or_running(guild_id)
    listed = [
        ListedWorkflow(
            name=title,
            kind=template.kind,
            origin=_origin(library, title, guild_id),
            inputs=kinds.input_needs(template),
            backends=backends_for(template.name),
            jobs=jobs.get(template.name, 0),
            version=template.version,
            added_by=_added_by(library, template),
            shadowed=_shadowed(library, title, guild_id),
        )
        for title in library.names(scope=guild_id)
        for template in (library.get(library.resolve(title, scope=guild_id) or title),)
    ]
    return listed


def _origin(library: WorkflowLibrary, title: str, guild_id: int) -> Origin:
    if library.is_builtin(title):
        return "built-in"
    if library.is_file(title):
        return "file"
    entry = library.stored(title, scope=guild_id)
    return "everywhere" if entry is None or entry.guild_id is None else "server"


def _added_by(library: WorkflowLibrary, template: WorkflowTemplate) -> int | None:
    entry = library.entry(template.name)
    return entry.added_by if entry is not None and entry.template is template else None


def _shadowed(library: WorkflowLibrary, title: str, guild_id: int) -> bool:
    entry = library.stored(title, scope=guild_id)
    return library.is_file(title) and entry is not None and entry.active
