"""Postgres LISTEN/NOTIFY between worker processes: one channel, small JSON payloads.

Notifications are sent inside the transaction that made the change, so they go out only if it commits.
SQLite has no such thing and runs every worker in one process, so there both sides are no-ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

CHANNEL = "comfybot_jobs"
# pg_try_advisory_lock key (per database): the one worker holding it tells the queued jobs their places.
LEAD_LOCK = 0x636F6D6679  # "comfy"
LEAD_RETRY_S = 5.0


async def notify(session: AsyncSession, payload: Mapping[str, Any]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": json.dumps(payload)}
    )


def _asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class JobListener:
    """Keeps one LISTEN connection open, reconnecting with backoff (a Postgres restart must not end it)."""

    def __init__(
        self,
        database_url: str,
        on_message: Callable[[dict[str, Any]], None],
        *,
        on_reconnect: Callable[[], None] = lambda: None,
        max_delay_s: float = 10.0,
        lead: bool = False,
    ) -> None:
        self._dsn = _asyncpg_dsn(database_url)
        self._on_message = on_message
        self._on_reconnect = on_reconnect
        self._max_delay_s = max_delay_s
        self.connected = asyncio.Event()
        # With `lead`, this listener competes for LEAD_LOCK on its connection (held until it closes, so a
        # dead worker's lead passes on): `leading` says whether it holds it.
        self._lead = lead
        self.leading = False

    def _received(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            message = json.loads(payload)
        except json.JSONDecodeError:
            log.warning("ignoring a malformed job notification")
            return
        if isinstance(message, dict):
            self._on_message(message)

    async def _hold_lead(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Until the connection is lost; meanwhile, with `lead`, try for the lead now and then."""
        while not lost.is_set():
            await self._try_lead(connection)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), LEAD_RETRY_S if self._lead and not self.leading else None)

    async def _try_lead(self, connection: asyncpg.Connection) -> None:
        if self._lead and not self.leading:
            self.leading = bool(await connection.fetchval("SELECT pg_try_advisory_lock($1)", LEAD_LOCK))
            if self.leading:
                log.info("this worker tells the queued jobs their places")

    async def run(self) -> None:
        delay = 0.2
        first = True
        while True:
            try:
                connection = await asyncpg.connect(self._dsn, timeout=10)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("job listener cannot connect (%s); retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_delay_s)
                continue
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _c, lost=lost: lost.set())
            try:
                await connection.add_listener(CHANNEL, self._received)
                await self._try_lead(connection)
                self.connected.set()
                delay = 0.2
                if not first:
                    self._on_reconnect()  # notifications may have been missed while we were away
                first = False
                await self._hold_lead(connection, lost)
                log.warning("job listener lost its connection; reconnecting")
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("job listener failed (%s); reconnecting", type(exc).__name__)
            finally:
                self.connected.clear()
                self.leading = False
                if not connection.is_closed():
                    await connection.close(timeout=2)
