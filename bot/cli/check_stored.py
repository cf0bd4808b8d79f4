"""`check`: the workflows added from Discord (/workflows add) are checked with the others.

Instance-wide ones are offered like WORKFLOWS_DIR's, so they join the catalogue `check` works on. A server's
own workflow is checked on every backend too, but one that no longer runs (a model deleted since) is a
warning: it concerns that server alone, and the bot runs without it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from sqlalchemy import make_url

from bot.cli.check_comfyui import BackendCheck
from bot.cli.check_result import CheckResult
from comfy.workflows.catalogue import WorkflowCatalogue
from core.kinds import KindRegistry
from core.workflows.library import WorkflowLibrary
from core.workflows.shelf import WorkflowShelf
from db.engine import create_engine, create_sessionmaker, is_sqlite
from db.migrate import current_revisions, head_revisions
from db.units.stored_workflows import StoredWorkflows


async def with_stored_workflows(
    database_url: str, kinds: KindRegistry, catalogue: WorkflowCatalogue
) -> WorkflowCatalogue:
    """The catalogue plus the stored workflows, when the database is there and current (the database's own
    line says what is wrong otherwise)."""
    try:
        url = make_url(database_url)
        on_disk = is_sqlite(url) and bool(url.database) and url.database != ":memory:"
        if on_disk and not await asyncio.to_thread(Path(str(url.database)).exists):  # opening creates it
            return catalogue
        if await current_revisions(url) != head_revisions():
            return catalogue
    except Exception:  # every driver has its own errors; check_database reports them
        return catalogue
    engine = create_engine(database_url)
    try:
        library = WorkflowLibrary(catalogue)
        await WorkflowShelf(StoredWorkflows(create_sessionmaker(engine)), library, kinds, ()).reload()
        return library
    except Exception:  # as above: the database's own line says what is wrong
        return catalogue
    finally:
        await engine.dispose()


def servers_workflows(catalogue: WorkflowCatalogue) -> list[str]:
    """The names of the workflows one server added for itself (not offered to every server)."""
    if not isinstance(catalogue, WorkflowLibrary):
        return []
    offered = set(catalogue.names())
    return [
        entry.template.name
        for entry in catalogue.stored_entries()
        if entry.active and entry.guild_id is not None and entry.template.name not in offered
    ]


def servers_workflow_results(
    catalogue: WorkflowCatalogue, names: list[str], backends: list[BackendCheck]
) -> list[CheckResult]:
    results: list[CheckResult] = []
    for name in names:
        entry = catalogue.entry(name) if isinstance(catalogue, WorkflowLibrary) else None
        where = f" (added from Discord for server {entry.guild_id})" if entry is not None else ""
        for backend in backends:
            line = backend.workflows.get(name)
            if line is None:
                continue
            line = replace(line, what=line.what + where)
            results.append(line if line.ok else replace(line, ok=True, warning=True))
    return results
