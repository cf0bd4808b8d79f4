"""Which backends can run which workflow and job: node classes and models, read from each backend's
/object_info.

A workflow's own check covers everything in its graph. A job that chose its model or LoRAs carries the
model files its graph loads (``QueuedJob.model_needs``): it may go to any backend that has the workflow's
nodes (its model-file inputs aside) and offers every one of those files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from comfy import errors, protocol
from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from comfy.workflows.alike_backends import ProblemsOnAlikeBackends
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.models import LORA_NAME_INPUT, MODEL_NAME_INPUTS
from comfy.workflows.validation import WorkflowProblem
from db.snapshots import ModelNeed, QueuedJob

log = logging.getLogger(__name__)

_MODEL_FILE_INPUTS = frozenset((*MODEL_NAME_INPUTS, LORA_NAME_INPUT))


class Capabilities:
    def __init__(self, pool: ComfyPool, catalogue: WorkflowCatalogue) -> None:
        self._pool = pool
        self._catalogue = catalogue
        self._able: dict[str, frozenset[str]] = {}
        # Able but for the model files the workflow names: a job choosing its own may go there.
        self._able_any_models: dict[str, frozenset[str]] = {}
        # Each backend's /object_info as last read (the ComfyUI client keeps it, refreshed on reconnect).
        self._object_info: dict[str, Mapping[str, Any]] = {}
        self._choices: dict[tuple[str, str, str], frozenset[str]] = {}
        # Kept per read as `_choices` is: the scheduler asks for each queued job that chose its model files.
        self._offering: dict[tuple[str, tuple[ModelNeed, ...]], frozenset[str]] = {}
        # Told the backends read again that offer other nodes or models than at the read before (the other
        # processes then read them too: see db.worker_messages.BackendNodesChangedMessage).
        self.on_nodes_changed: Callable[[list[str]], None] = lambda backends: None

    def backends_for(self, workflow_name: str) -> frozenset[str]:
        return self._able.get(workflow_name, frozenset())

    def backends_for_job(self, entry: QueuedJob) -> frozenset[str]:
        """Backends able to run this queued job: its workflow, and every model file it loads."""
        if not entry.model_needs:
            return self.backends_for(entry.workflow_name)
        return self.offering(entry.workflow_name, entry.model_needs)

    def offering(self, workflow_name: str, needs: Iterable[ModelNeed]) -> frozenset[str]:
        """Backends with the workflow's nodes that offer every model file in ``needs``."""
        key = (workflow_name, tuple(needs))
        found = self._offering.get(key)
        if found is None:
            found = self._offering[key] = frozenset(
                name
                for name in self._able_any_models.get(workflow_name, frozenset())
                if all(
                    value in self.choices(name, class_type, input_name)
                    for class_type, input_name, value in key[1]
                )
            )
        return found

    def choices(self, backend: str, class_type: str, input_name: str) -> frozenset[str]:
        """A combo input's choices on one backend (its checkpoints, LoRAs...), as last read; kept per read,
        since the scheduler asks for every queued job on every turn."""
        key = (backend, class_type, input_name)
        found = self._choices.get(key)
        if found is None:
            object_info = self._object_info.get(backend)
            found = frozenset(
                protocol.combo_choices(object_info, class_type, input_name) if object_info else ()
            )
            self._choices[key] = found
        return found

    def able_any_models(self, workflow_name: str) -> frozenset[str]:
        """Backends that could run the workflow given model files they offer."""
        return self._able_any_models.get(workflow_name, frozenset())

    @property
    def known(self) -> bool:
        """Some backend's /object_info has been read: an empty answer means "none", not "not yet"."""
        return bool(self._object_info)

    def known_incapable(self, workflow_name: str) -> bool:
        """True when we have heard from at least one backend and none of them can run the workflow."""
        return self.known and not self._able.get(workflow_name)

    async def refresh_if_changed(self) -> bool:
        """Read everything again if a healthy backend's /object_info was re-read since (the pool does on
        every reconnect, however briefly the backend was away); True if it was."""
        for client in self._pool.clients:
            if not self._pool.health[client.name].healthy:
                continue
            try:
                object_info = await client.object_info()  # the client's copy: no request once read
            except errors.ComfyError:
                continue
            if object_info is not self._object_info.get(client.name):
                await self.refresh()
                return True
        return False

    async def _described(self, client: ComfyClient) -> Mapping[str, Any] | None:
        """What the backend runs: read if it is healthy (its copy, no request once read); while it is away,
        what it said when last read, with no request: one slow to answer (its first /object_info takes
        seconds with many custom nodes) must not hold every other backend's news back."""
        if not self._pool.health[client.name].healthy:
            if client.described is None:
                log.info("capabilities of %s unknown until it answers", client.name)
            return client.described
        try:
            return await client.object_info()
        except errors.ComfyError as exc:
            log.info("capabilities of %s unknown for now: %s", client.name, exc.detail)
            return None

    async def refresh(self, *, announce: bool = True) -> None:
        """Read what each backend can run. `announce` False: the read follows another process's news of
        changed backends, which the others heard too (told again, every process would tell every other)."""
        names = self._catalogue.all_names()
        able: dict[str, set[str]] = {name: set() for name in names}
        able_any_models: dict[str, set[str]] = {name: set() for name in names}
        read: dict[str, Mapping[str, Any]] = {}
        alike = ProblemsOnAlikeBackends()
        for client in self._pool.clients:
            object_info = await self._described(client)
            if object_info is None:
                continue
            read[client.name] = object_info
            for name in names:
                problems = alike.find(name, self._catalogue.get(name).graph, object_info)
                if not problems:
                    able[name].add(client.name)
                if not [problem for problem in problems if not _about_a_model_file(problem)]:
                    able_any_models[name].add(client.name)
        self._able = {name: frozenset(backends) for name, backends in able.items()}
        self._able_any_models = {name: frozenset(backends) for name, backends in able_any_models.items()}
        # Compared only to be told: a real server's /object_info is megabytes.
        before = self._object_info if announce else {}
        changed = [name for name, info in read.items() if _differs(before.get(name), info)]
        self._object_info = read
        self._choices = {}
        self._offering = {}
        if changed:
            self.on_nodes_changed(changed)


def _differs(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> bool:
    """A backend's /object_info read again says something else (compared only when it was read again: the
    client keeps one copy until then)."""
    return before is not None and before is not now and before != now


def _about_a_model_file(problem: WorkflowProblem) -> bool:
    return problem.input_name in _MODEL_FILE_INPUTS
