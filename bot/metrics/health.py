"""`/healthz`: is this worker useful now? Gateway up, database reachable, a backend healthy, room on disk."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from bot.logging_setup import redact_url_credentials
from bot.runtime import CoreRuntime

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_S = 3.0


async def health_report(runtime: CoreRuntime, gateway_connected: Callable[[], bool]) -> dict[str, Any]:
    backends = {
        redact_url_credentials(name): {
            "healthy": state.healthy,
            "detail": redact_url_credentials(state.detail),
        }
        for name, state in runtime.pool.health.items()
    }
    report: dict[str, Any] = {
        "gateway_connected": bool(gateway_connected()),
        "database_reachable": await database_reachable(runtime),
        "healthy_backends": sum(1 for state in runtime.pool.health.values() if state.healthy),
        "backends": backends,
        # A full DATA_DIR: new jobs wait in the queue, finished ones wait to be saved (nothing is lost).
        "disk": {
            "full": runtime.disk.full,
            "detail": redact_url_credentials(runtime.disk.detail),
            "jobs_saving": runtime.disk.saving_count,
        },
    }
    report["healthy"] = bool(
        report["gateway_connected"]
        and report["database_reachable"]
        and report["healthy_backends"] > 0
        and not runtime.disk.full
    )
    return report


async def database_reachable(runtime: CoreRuntime) -> bool:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_S), runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"; the reason goes to the log
        log.warning("health: database not reachable: %s", redact_url_credentials(str(exc)))
        return False
    return True
