"""The catalogue every part of the bot asks, kept live: built-in and WORKFLOWS_DIR workflows (read once at
start-up) plus those added from Discord (read again whenever one is added or removed, on every worker).

People call a workflow by its *title*; the bot finds it by its *name*, unique in the instance, which is what
a queued job, its estimates and its backends know. A workflow offered to every guild is named by its title;
one a guild added for itself is named ``title@guild`` (see comfy.workflows.template.qualified_name), so two
servers may each keep a "portrait" of their own, and neither learns of the other's.

What a title means to a guild, first match wins: a built-in or WORKFLOWS_DIR workflow (the operator's folder
is the last word), the guild's own, one offered to every guild. A removed workflow is no longer offered but
is still found by its name, for the jobs queued on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.template import WorkflowTemplate, qualified_name
from comfy.workflows.template import workflow_title as workflow_title  # what the front-end shows

BUILT_IN = "built-in"


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """A workflow from the database, analysed: ``guild_id`` None is offered to every guild."""

    id: int
    template: WorkflowTemplate
    guild_id: int | None
    added_by: int
    active: bool

    @property
    def title(self) -> str:
        return self.template.title


def stored_name(title: str, guild_id: int | None) -> str:
    """The name a stored workflow is found by (see the module's docstring)."""
    return title if guild_id is None else qualified_name(title, guild_id)


class WorkflowLibrary(WorkflowCatalogue):
    def __init__(self, base: WorkflowCatalogue) -> None:
        super().__init__(base.templates, base.rejected, defaults=base.defaults)
        self._base = {template.name: template for template in base.templates}
        self._stored: dict[str, StoredTemplate] = {}

    # -- what is offered ----------------------------------------------------------------------------

    def names(self, kind: str | None = None, *, scope: int | None = None) -> list[str]:
        """The titles offered to ``scope`` (of ``kind``)."""
        titles: set[str] = set()
        for name, template in self._templates.items():
            if kind is not None and template.kind != kind:
                continue
            entry = None if name in self._base else self._stored.get(name)
            if entry is None:
                titles.add(name)
            elif self.offers(entry, scope):
                titles.add(entry.title)
        return sorted(titles)

    def resolve(self, name: str, *, scope: int | None = None, kind: str | None = None) -> str | None:
        """The name of what ``name`` means to ``scope`` now, None if nothing of that title (and ``kind``) is
        offered there. ``name`` is a title or a name a job kept (a rerun asks what its title means now)."""
        title = workflow_title(name)
        if title in self._base:
            found: WorkflowTemplate | None = self._templates.get(title)
        else:
            entry = self.stored(title, scope=scope)
            found = entry.template if entry is not None and self.offers(entry, scope) else None
        return found.name if found is not None and kind in (None, found.kind) else None

    def all_names(self) -> list[str]:
        return sorted(self._templates)

    def offers(self, entry: StoredTemplate, scope: int | None) -> bool:
        """Offered to ``scope``: active, not replaced by a file, that guild's own or every guild's and then
        not hidden there by the guild's own of the same title."""
        if not entry.active or entry.title in self._base:
            return False
        if entry.guild_id is not None:
            return entry.guild_id == scope
        own = None if scope is None else self._stored.get(stored_name(entry.title, scope))
        return own is None or not own.active

    def stored(self, title: str, *, scope: int | None = None) -> StoredTemplate | None:
        """The stored workflow ``title`` means to ``scope``: the guild's own if it has an active one, else
        the one of every guild (active or not), else None."""
        if scope is not None:
            own = self._stored.get(stored_name(title, scope))
            if own is not None and own.active:
                return own
        everyone = self._stored.get(title)
        return everyone if everyone is not None and everyone.guild_id is None else None

    def entry(self, name: str) -> StoredTemplate | None:
        """The stored workflow found by ``name`` (not a title)."""
        return self._stored.get(name)

    def kept_by_guilds(self, title: str) -> list[StoredTemplate]:
        """The guilds' own active workflows called ``title``."""
        return [e for e in self._stored.values() if e.active and e.guild_id is not None and e.title == title]

    def stored_entries(self) -> list[StoredTemplate]:
        return sorted(self._stored.values(), key=lambda entry: entry.template.name)

    def is_file(self, name: str) -> bool:
        """A workflow of WORKFLOWS_DIR (not one the application ships)."""
        found = self._base.get(name)
        return found is not None and found.source != BUILT_IN

    def is_builtin(self, name: str) -> bool:
        found = self._base.get(name)
        return found is not None and found.source == BUILT_IN

    # -- kept live ----------------------------------------------------------------------------------

    def replace_stored(self, entries: Iterable[StoredTemplate]) -> None:
        """The stored workflows as now read (active ones win over removed ones of the same name)."""
        stored: dict[str, StoredTemplate] = {}
        for entry in map(_named, entries):
            name = entry.template.name
            if name not in stored or entry.active or not stored[name].active:
                stored[name] = entry
        templates = dict(self._base)
        for name, entry in stored.items():
            templates.setdefault(name, entry.template)
        self._stored = stored
        self._templates = templates


def _named(entry: StoredTemplate) -> StoredTemplate:
    """The entry with its template named as the instance finds it (a guild's own: ``title@guild``)."""
    name = stored_name(entry.template.title, entry.guild_id)
    return (
        entry if name == entry.template.name else replace(entry, template=replace(entry.template, name=name))
    )
