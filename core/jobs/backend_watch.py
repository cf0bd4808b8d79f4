"""Watching the backends: a queued job may have waited for one to come back or to gain a workflow."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection

from comfy import errors
from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from core.jobs.capabilities import Capabilities
from core.jobs.scheduler import Scheduler

log = logging.getLogger(__name__)


class BackendWatcher:
    def __init__(
        self,
        *,
        pool: ComfyPool,
        capabilities: Capabilities,
        scheduler: Scheduler,
        wake: Callable[[], None],
    ) -> None:
        self._pool = pool
        self._capabilities = capabilities
        self._scheduler = scheduler
        self._wake = wake
        self._healthy: set[str] = set()
        self._reading: set[str] = set()  # backends whose nodes are being read again (read_nodes_again)

    async def watch_health(self) -> None:
        """A loop body: what is healthy now is the baseline; each time a backend's health changes (the pool
        says when) it is compared with the last one seen. Waiting on the pool rather than polling, an idle
        worker is not woken four times a second, and a change is heard at once, not at the next turn."""
        self._healthy = self._healthy_now()
        changed = asyncio.ensure_future(self._pool.health_changed())
        try:
            # A backend that answered before the pool was listened to (one slow at start, while the
            # capabilities were first read) is read now: its /object_info is newer than what they know.
            await self.check_health()
            while True:
                await changed
                # Asked before the check: a change while it awaits is heard on the next turn, not lost.
                changed = asyncio.ensure_future(self._pool.health_changed())
                await self.check_health()
        finally:
            changed.cancel()

    def _healthy_now(self) -> set[str]:
        return {name for name, state in self._pool.health.items() if state.healthy}

    async def check_health(self) -> None:
        """One turn: when a backend comes back, or came back with other nodes or models since the last turn
        (too briefly away for a turn to see it down), look again at what it offers and at parked jobs."""
        healthy = self._healthy_now()
        back = bool(healthy - self._healthy)
        if back:  # also heard from for the first time (it was down at start)
            await self._capabilities.refresh()
        if back or await self._capabilities.refresh_if_changed():
            self._scheduler.unpark()
            if len(self._scheduler):
                self._wake()
        self._healthy = healthy

    async def refresh_capabilities(self) -> None:
        """One turn: what each backend can run read again, and jobs some backend can run now back in line."""
        await self._capabilities.refresh()
        self._scheduler.unpark()
        self._wake()

    async def read_nodes_again(self, backends: Collection[str] | None) -> None:
        """Another process found these backends (None: any) offering other nodes or models: read them here
        too, then what each can run; jobs that waited for such a backend go back in line. Every worker that
        saw a backend restart tells of it: a backend being read already (for an earlier message) is not
        read again, since a read begun after the restart answers for every message about it."""
        reading = [
            client
            for client in self._pool.clients
            if (backends is None or client.name in backends) and client.name not in self._reading
        ]
        if not reading:
            return
        self._reading.update(client.name for client in reading)
        try:
            await asyncio.gather(*(_read_again(client) for client in reading))  # each server on its own
        finally:
            self._reading.difference_update(client.name for client in reading)
        await self._capabilities.refresh(announce=False)
        self._scheduler.unpark()
        self._wake()


async def _read_again(client: ComfyClient) -> None:
    try:
        await client.object_info(refresh=True)
    except errors.ComfyError as exc:
        log.info("nodes of %s not read again: %s", client.name, exc.detail)
