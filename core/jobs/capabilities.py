"""Which backends can run which workflow: node classes and models, read from each backend's /object_info."""

from __future__ import annotations

import logging

from comfy import errors
from comfy.pool import ComfyPool
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.validation import find_problems

log = logging.getLogger(__name__)


class Capabilities:
    def __init__(self, pool: ComfyPool, catalogue: WorkflowCatalogue) -> None:
        self._pool = pool
        self._catalogue = catalogue
        self._able: dict[str, frozenset[str]] = {}
        self._known: set[str] = set()  # backends whose object_info we could read

    def backends_for(self, workflow_name: str) -> frozenset[str]:
        return self._able.get(workflow_name, frozenset())

    def known_incapable(self, workflow_name: str) -> bool:
        """True when we have heard from at least one backend and none of them can run the workflow."""
        return bool(self._known) and not self._able.get(workflow_name)

    async def refresh(self) -> None:
        able: dict[str, set[str]] = {name: set() for name in self._catalogue.names()}
        known: set[str] = set()
        for client in self._pool.clients:
            try:
                object_info = await client.object_info()
            except errors.ComfyError as exc:
                log.info("capabilities of %s unknown for now: %s", client.name, exc.detail)
                continue
            known.add(client.name)
            for name in able:
                if not find_problems(self._catalogue.get(name).graph, object_info, name):
                    able[name].add(client.name)
        self._able = {name: frozenset(names) for name, names in able.items()}
        self._known = known
