"""`/healthz`: is this worker useful right now? Gateway up, database reachable, a backend healthy."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from bot.logging_setup import redact_url_passwords
from bot.runtime import CoreRuntime

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_S = 3.0


async def health_report(runtime: CoreRuntime, gateway_connected: Callable[[], bool]) -> dict[str, Any]:
    backends = {
        redact_url_passwords(name): {"healthy": state.healthy, "detail": redact_url_passwords(state.detail)}
        for name, state in runtime.pool.health.items()
    }
    report: dict[str, Any] = {
        "gateway_connected": bool(gateway_connected()),
        "database_reachable": await database_reachable(runtime),
        "healthy_backends": sum(1 for state in runtime.pool.health.values() if state.healthy),
        "backends": backends,
    }
    report["healthy"] = bool(
        report["gateway_connected"] and report["database_reachable"] and report["healthy_backends"] > 0
    )
    return report


async def database_reachable(runtime: CoreRuntime) -> bool:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_S), runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"; the reason goes to the log
        log.warning("health: database not reachable: %s", redact_url_passwords(str(exc)))
        return False
    return True
