"""One statement through an engine of its own: how migration tests write rows as an older schema had them."""

from __future__ import annotations

from typing import Any

from db.engine import create_engine


async def execute(url: str, statement: Any, **values: Any) -> list[Any]:
    """Runs ``statement`` in a transaction of its own; the rows it returns, if any."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(statement, values)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()
