"""What /workflows list shows a guild: every workflow it is offered, where it comes from, what it takes,
which backends can run it and how many of the guild's jobs are on it now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

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
            name=name,
            kind=template.kind,
            origin=_origin(library, name),
            inputs=kinds.input_needs(template),
            backends=backends_for(name),
            jobs=jobs.get(name, 0),
            version=template.version,
            added_by=_added_by(library, name),
            shadowed=_shadowed(library, name, guild_id),
        )
        for name in library.names(scope=guild_id)
        for template in (library.get(name),)
    ]
    return listed


def _origin(library: WorkflowLibrary, name: str) -> Origin:
    if library.is_builtin(name):
        return "built-in"
    if library.is_file(name):
        return "file"
    entry = library.stored(name)
    return "everywhere" if entry is None or entry.guild_id is None else "server"


def _added_by(library: WorkflowLibrary, name: str) -> int | None:
    entry = library.stored(name)
    return entry.added_by if entry is not None and library.get(name) is entry.template else None


def _shadowed(library: WorkflowLibrary, name: str, guild_id: int) -> bool:
    entry = library.stored(name)
    return library.is_file(name) and entry is not None and entry.active and entry.guild_id in (None, guild_id)
