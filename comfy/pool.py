"""Several backends behind one door: health-checked, least-loaded, capability-aware."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from background.loops import every, supervise
from background.tasks import BackgroundTasks
from comfy import errors
from comfy.client import ComfyClient
from comfy.run import PromptRun
from comfy.workflows.validation import find_problems

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BackendHealth:
    healthy: bool = False
    detail: str = "not checked yet"


class ComfyPool:
    """Routes each workflow to the least-loaded healthy backend that has its node classes and models."""

    def __init__(
        self,
        clients: Sequence[ComfyClient],
        *,
        health_interval_s: float = 15.0,
        connect_wait_s: float = 5.0,
    ) -> None:
        if not clients:
            raise ValueError("a pool needs at least one backend")
        self.clients = tuple(clients)
        self.health = {client.name: BackendHealth() for client in self.clients}
        self._interval = health_interval_s
        self._connect_wait_s = connect_wait_s
        self._tasks = BackgroundTasks()
        self._changed = asyncio.Event()
        self._events = True  # each backend's websocket open (see start)
        # The check begun when a backend's socket (re)connected, while it runs: the next round joins it.
        self._rechecks: dict[str, asyncio.Task[None]] = {}
        for client in self.clients:
            client.add_connection_listener(functools.partial(self._connection_changed, client))

    async def start(self, *, events: bool = True) -> None:
        """`events` False (a process that posts no prompt, such as a bot's gateway): no websocket is opened,
        and a backend is healthy while it answers over HTTP (its /object_info read again when it comes
        back, as after a reconnect); what it can run is known all the same."""
        self._events = events
        if events:
            for client in self.clients:
                await client.start()
        # Each backend's first check (its socket's first attempt, then what it runs) is awaited, so one that
        # answers is not reported down at boot; but no longer than connect_wait_s. One that refuses fails
        # its check at once; one that does not answer, or takes seconds to describe its nodes (a server with
        # many custom nodes builds /object_info on every call), is not waited for: the others take jobs at
        # once, and it joins them when its check ends (`health_changed` says when).
        first = [
            self._tasks.spawn(self._first_check(c), name=f"comfy-pool-first-{c.name}") for c in self.clients
        ]
        if not events:  # no socket begins a check: a round of checks meanwhile joins this one
            self._rechecks.update((c.name, check) for c, check in zip(self.clients, first, strict=True))
        await asyncio.wait(first, timeout=self._connect_wait_s)
        for client, check in zip(self.clients, first, strict=True):
            if not check.done():
                waited = f"{self._connect_wait_s:g}"
                self.mark(client.name, False, f"no answer within {waited} s yet; it joins once it answers")
        health = every(self._interval, self.check_health)
        self._tasks.spawn(supervise("checking backend health", health), name="comfy-pool-health")

    async def _first_check(self, client: ComfyClient) -> None:
        if self._events:
            await client.wait_first_attempt(self._connect_wait_s)
            await self._check_or_join(client)  # joins the check its socket's connect began
        else:
            await self._check(client)

    async def close(self) -> None:
        await self._tasks.close()
        for client in self.clients:
            await client.close()

    async def check_health(self) -> None:
        await asyncio.gather(*(self._check_or_join(client) for client in self.clients))

    async def _check_or_join(self, client: ComfyClient) -> None:
        # At start each socket's connect has begun a check (system_stats, then /object_info) a moment
        # before this round: asking again would read every backend's /object_info twice.
        recheck = self._rechecks.get(client.name)
        if recheck is not None and not recheck.done():
            await asyncio.shield(recheck)
        else:
            await self._check(client)

    async def _check(self, client: ComfyClient) -> None:
        was_healthy = self.health[client.name].healthy
        try:
            if self._events and not client.connected:
                raise errors.BackendUnavailable(f"{client.name}: websocket not connected")
            await client.system_stats()
            if not was_healthy:
                await client.object_info(refresh=True)  # it may have come back with other models
        except errors.ComfyError as exc:
            self.mark(client.name, False, exc.detail)
            return
        if client.connected or not self._events:  # the socket may have dropped while we asked
            self.mark(client.name, True, "ok")

    def mark(self, name: str, healthy: bool, detail: str) -> None:
        """Record a backend's health; anyone waiting in :meth:`health_changed` hears of a change."""
        state = self.health[name]
        if state.healthy != healthy:
            if healthy:
                log.info("backend %s is healthy", name)
            else:
                log.warning("backend %s is unhealthy: %s", name, detail)
            self._changed.set()
            self._changed = asyncio.Event()
        self.health[name] = BackendHealth(healthy, detail)

    def health_changed(self) -> Awaitable[bool]:
        """Done at the next change of any backend's health after this call (no polling needed to hear of
        one). The change is caught from the call on, even if the awaiting starts later."""
        return self._changed.wait()

    def _connection_changed(self, client: ComfyClient, connected: bool) -> None:
        # Down the moment its socket drops; back after it answers a health check right after reconnecting.
        if connected:
            recheck = self._tasks.spawn(self._check(client), name=f"comfy-pool-recheck-{client.name}")
            self._rechecks[client.name] = recheck
        else:
            self.mark(client.name, False, f"{client.name}: websocket closed")

    def jobs_waiting(self, waiting: bool) -> None:
        """Jobs wait for a backend: the ones that are away are reconnected to at the urgent pace."""
        for client in self.clients:
            client.jobs_waiting = waiting

    @staticmethod
    def load(client: ComfyClient) -> int:
        """Our own prompts in flight, or the server's whole queue when others also use it."""
        return max(client.in_flight, client.queue_remaining)

    async def capable(self, workflow: Mapping[str, Any], workflow_name: str = "") -> list[ComfyClient]:
        """Healthy backends able to run ``workflow``, least loaded first."""
        healthy = [c for c in self.clients if self.health[c.name].healthy]
        if not healthy:
            details = "; ".join(f"{name}: {h.detail}" for name, h in self.health.items())
            raise errors.BackendUnavailable(f"no healthy backend ({details})")
        able: list[ComfyClient] = []
        reasons: list[str] = []
        for client in healthy:
            try:
                problems = find_problems(workflow, await client.object_info(), workflow_name)
            except errors.ComfyError as exc:
                reasons.append(f"{client.name}: {exc.detail}")
                continue
            if problems:
                reasons.append(f"{client.name}: " + "; ".join(str(p) for p in problems[:3]))
            else:
                able.append(client)
        if not able:
            raise errors.NoCapableBackend(f"no backend can run {workflow_name or 'the workflow'}: {reasons}")
        return sorted(able, key=lambda c: (self.load(c), c.in_flight))

    async def submit(
        self, workflow: Mapping[str, Any], prompt_id: str, *, workflow_name: str = ""
    ) -> tuple[ComfyClient, PromptRun]:
        """Submit to the best backend; if it turns out unreachable, mark it and try the next one."""
        last_error: errors.ComfyError | None = None
        for client in await self.capable(workflow, workflow_name):
            try:
                return client, await client.submit(workflow, prompt_id)
            except errors.BackendUnavailable as exc:
                self.mark(client.name, False, exc.detail)
                log.warning("prompt_id=%s: backend %s unavailable, trying another", prompt_id, client.name)
                last_error = exc
        assert last_error is not None  # noqa: S101 - capable() never returns an empty list
        raise last_error
