"""The catalogue every part of the bot asks, kept live: built-in and WORKFLOWS_DIR workflows (read once at
start-up) plus those added from Discord (read again whenever one is added or removed, on every worker).

Names are unique in the instance, so a workflow is found by its name alone (a queued job, its estimates and
its backends know only that). What differs per guild is what is *offered*: a guild's own workflows are
listed to it alone, instance-wide ones to every guild. A file of the same name wins over a stored workflow
(the operator's folder is the last word); a removed one is no longer offered but is still found, for the
jobs queued on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.template import WorkflowTemplate

BUILT_IN = "built-in"


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """A workflow from the database, analysed: ``guild_id`` None is offered to every guild."""

    id: int
    template: WorkflowTemplate
    guild_id: int | None
    added_by: int
    active: bool


class WorkflowLibrary(WorkflowCatalogue):
    def __init__(self, base: WorkflowCatalogue) -> None:
        super().__init__(base.templates, base.rejected, defaults=base.defaults)
        self._base = {template.name: template for template in base.templates}
        self._stored: dict[str, StoredTemplate] = {}

    # -- what is offered ----------------------------------------------------------------------------

    def names(self, kind: str | None = None, *, scope: int | None = None) -> list[str]:
        return sorted(
            name
            for name, template in self._templates.items()
            if (kind is None or template.kind == kind) and (name in self._base or self._offered(name, scope))
        )

    def _offered(self, name: str, scope: int | None) -> bool:
        entry = self._stored.get(name)
        return entry is not None and self.offers(entry, scope)

    def all_names(self) -> list[str]:
        return sorted(self._templates)

    def offers(self, entry: StoredTemplate, scope: int | None) -> bool:
        """Offered to ``scope``: active, not replaced by a file, and instance-wide or that guild's."""
        return (
            entry.active
            and entry.template.name not in self._base
            and (entry.guild_id is None or entry.guild_id == scope)
        )

    def stored(self, name: str) -> StoredTemplate | None:
        return self._stored.get(name)

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
        for entry in entries:
            name = entry.template.name
            if name not in stored or entry.active or not stored[name].active:
                stored[name] = entry
        templates = dict(self._base)
        for name, entry in stored.items():
            templates.setdefault(name, entry.template)
        self._stored = stored
        self._templates = templates
