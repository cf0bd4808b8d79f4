"""The shared REST budget as the database holds it, read outside the code under test."""

from __future__ import annotations

import asyncpg
from sqlalchemy import make_url


async def budget_rows(database_url: str) -> int:
    """How many rows the `rest_budget` table holds (one per bucket some process took from)."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM rest_budget"))
    finally:
        await connection.close()
