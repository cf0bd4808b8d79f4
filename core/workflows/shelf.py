"""Workflows managed from Discord: added (checked on every backend first), removed, listed, kept live.

Every worker keeps the stored workflows in its :class:`WorkflowLibrary`; a change commits with a NOTIFY and
each worker reads them all again (see :meth:`WorkflowShelf.reload`), so a new job anywhere can use a workflow
the moment its adder is told it was added.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from comfy.client import ComfyClient
from comfy.workflows.catalogue import MAX_WORKFLOW_BYTES, valid_name
from comfy.workflows.errors import WorkflowError
from comfy.workflows.sidecar import MAX_SIDECAR_BYTES, BindingSidecar, parse_sidecar
from comfy.workflows.template import WorkflowTemplate, canonical_json, make_template
from core.kinds import KindRegistry
from core.workflows.library import StoredTemplate, WorkflowLibrary
from core.workflows.refusals import NoBackendCanRun, WorkflowRefused, WorkflowUnusable
from core.workflows.verdicts import BackendVerdict, verdicts
from db.units.stored_workflows import NameTaken, NewWorkflow, StoredWorkflows, StoredWorkflowView

log = logging.getLogger(__name__)

STORED_SOURCE = "database"
# What a file given may weigh: the same caps as WORKFLOWS_DIR's files.
WORKFLOW_MAX_BYTES = MAX_WORKFLOW_BYTES
SIDECAR_MAX_BYTES = MAX_SIDECAR_BYTES


@dataclass(frozen=True, slots=True)
class WorkflowUpload:
    document: bytes
    file_name: str
    added_by: int
    # None: every guild may use it (a bot owner's).
    guild_id: int | None
    name: str | None = None
    kind: str | None = None
    sidecar: bytes | None = None


@dataclass(frozen=True, slots=True)
class AddedWorkflow:
    template: WorkflowTemplate
    verdicts: tuple[BackendVerdict, ...]
    # A WORKFLOWS_DIR file of the same name is used instead, as long as it is there.
    shadowed_by_file: bool
    # One offered to every guild: how many guilds keep their own of that name (each uses its own).
    kept_by_guilds: int = 0


class WorkflowShelf:
    def __init__(
        self,
        store: StoredWorkflows,
        library: WorkflowLibrary,
        kinds: KindRegistry,
        clients: Sequence[ComfyClient],
        on_change: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.library = library
        self._kinds = kinds
        self._clients = tuple(clients)
        self._on_change = on_change
        self._reading = asyncio.Lock()
        # The rows (id, still offered) last read: a row is never changed otherwise.
        self._seen: tuple[tuple[int, bool], ...] | None = None
        # Notified after every reload: what waits for a workflow to appear (a test, say) waits on it.
        self.changed = asyncio.Condition()

    async def reload(self, *, then_capabilities: bool = True) -> None:
        """Read every stored workflow again: at start, on another worker's word, and now and then.
        ``then_capabilities``: False at start, where the dispatcher reads the backends' nodes right after."""
        async with self._reading:
            rows = await self.store.everything()
            seen = tuple((row.id, row.active) for row in rows)
            if seen == self._seen:  # the periodic reload, with nothing new: no analysis, no capability check
                return
            entries = await asyncio.to_thread(self._analyse_all, rows)
            self.library.replace_stored(entries)
            self._seen = seen
        if self._on_change is not None and then_capabilities:
            await self._on_change()
        async with self.changed:
            self.changed.notify_all()

    def _analyse_all(self, rows: Sequence[StoredWorkflowView]) -> list[StoredTemplate]:
        entries: list[StoredTemplate] = []
        for row in rows:
            try:
                sidecar = None
                if row.sidecar is not None:
                    sidecar = BindingSidecar.model_validate(row.sidecar, context={"kinds": self._kinds.kinds})
                template = make_template(
                    row.name,
                    canonical_json(row.graph),
                    source=STORED_SOURCE,
                    shapes=self._kinds.shapes,
                    sidecar=sidecar,
                )
            except (WorkflowError, ValueError) as error:
                log.warning("stored workflow %s (id %d) cannot be used now: %s", row.name, row.id, error)
                continue
            entries.append(StoredTemplate(row.id, template, row.guild_id, row.added_by, row.active))
        return entries

    # -- add ----------------------------------------------------------------------------------------

    async def add(self, upload: WorkflowUpload) -> AddedWorkflow:
        """Checked, stored, offered: or a WorkflowRefused saying why, with nothing stored."""
        template, sidecar = await asyncio.to_thread(self._template_of, upload)
        self._check_name(template.name, upload.guild_id)
        found = await verdicts(self._clients, template)
        if not any(verdict.can_run for verdict in found):
            raise NoBackendCanRun(template.name, found)
        try:
            await self.store.add(
                NewWorkflow(
                    name=template.name,
                    guild_id=upload.guild_id,
                    kind=template.kind,
                    graph=template.graph,
                    sidecar=sidecar.model_dump(mode="json") if sidecar is not None else None,
                    version=template.version,
                    added_by=upload.added_by,
                )
            )
        except NameTaken:
            raise _name_taken(template.name) from None
        log.info("workflow %s (%s) added by %s", template.name, template.kind, upload.added_by)
        await self.reload()
        kept = () if upload.guild_id is not None else self.library.kept_by_guilds(template.name)
        return AddedWorkflow(template, found, self.library.is_file(template.name), len(kept))

    def _template_of(self, upload: WorkflowUpload) -> tuple[WorkflowTemplate, BindingSidecar | None]:
        name = upload.name or upload.file_name.rsplit("/", 1)[-1].removesuffix(".json")
        if not valid_name(name):
            raise WorkflowRefused(
                "bad_name",
                "“{name}” cannot be a workflow's name: use letters, digits, '-', '_' or '.' (at most 64).",
                name=name[:80],
            )
        if upload.kind is not None and upload.kind not in self._kinds:
            raise WorkflowRefused("bad_kind", "“{kind}” is not a kind of job I make.", kind=upload.kind)
        try:
            sidecar = self._sidecar_of(name, upload)
            template = make_template(
                name, upload.document, source=STORED_SOURCE, shapes=self._kinds.shapes, sidecar=sidecar
            )
        except WorkflowError as error:
            raise WorkflowUnusable(error.workflow, error.detail, error.reasons) from None
        return template, sidecar

    def _sidecar_of(self, name: str, upload: WorkflowUpload) -> BindingSidecar | None:
        sidecar = None
        if upload.sidecar is not None:
            sidecar = parse_sidecar(name, upload.sidecar, kinds=self._kinds.kinds)
        if upload.kind is not None:
            sidecar = (sidecar or BindingSidecar()).model_copy(update={"kind": upload.kind})
        return sidecar

    def _check_name(self, name: str, guild_id: int | None) -> None:
        """Refused if the name already means a workflow where this one would be offered. A guild never
        learns another guild's names; one offered to every guild may share a guild's own title (there, the
        guild's own is used)."""
        if self.library.is_builtin(name):
            raise WorkflowRefused(
                "builtin_name", "“{name}” is the name of a built-in workflow; choose another name.", name=name
            )
        entry = self.library.stored(name, scope=guild_id)  # the guild's own if active, else every guild's
        if entry is not None and entry.active:
            raise _name_taken(name)

    # -- remove -------------------------------------------------------------------------------------

    def removable(self, guild_id: int, *, owner: bool) -> list[str]:
        """The titles this member may remove here: the guild's own, and instance-wide ones for an owner."""
        return sorted(
            {
                entry.title
                for entry in self.library.stored_entries()
                if entry.active and (entry.guild_id == guild_id or (entry.guild_id is None and owner))
            }
        )

    async def remove(
        self, name: str, *, guild_id: int, by_user_id: int, owner: bool, everywhere: bool = False
    ) -> StoredTemplate:
        """No longer offered; jobs already queued on it keep the graph they were bound to and still run.
        ``everywhere``: the one of every guild, even where this guild keeps its own of that name."""
        entry = self.library.stored(name, scope=None if everywhere else guild_id)
        if entry is None or not entry.active:
            if self.library.is_builtin(name) or self.library.is_file(name):
                raise WorkflowRefused(
                    "not_stored",
                    "“{name}” is not a workflow added from Discord; it is removed where it lives (the bot's "
                    "WORKFLOWS_DIR or its built-in ones).",
                    name=name,
                )
            if everywhere:
                raise WorkflowRefused(
                    "unknown_everywhere", "No workflow called “{name}” is offered in every server.", name=name
                )
            raise WorkflowRefused("unknown", "There is no workflow called “{name}” here.", name=name)
        if entry.guild_id is None and not owner:
            raise WorkflowRefused(
                "owner_only",
                "“{name}” is used in every server: only the bot's owners can remove it.",
                name=name,
            )
        await self.store.remove(entry.id, by_user_id=by_user_id)
        log.info("workflow %s removed by %s", name, by_user_id)
        await self.reload()
        return entry


def _name_taken(name: str) -> WorkflowRefused:
    return WorkflowRefused(
        "name_taken", "A workflow called “{name}” already exists; choose another name.", name=name
    )
