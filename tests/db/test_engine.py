"""The engine and session factory: per-backend connection settings, objects usable after commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine
from db.repositories import JobRepository
from tests.db.factories import job_data


async def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    # The folder does not exist yet: the engine creates it, as on a first start with the default URL.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        await engine.dispose()
    assert (tmp_path / "data" / "bot.db").exists()


async def test_a_pooled_connection_the_server_closed_is_replaced_not_failed(postgres_url: str) -> None:
    # A restart or an idle timeout on the server must not fail the next job's query.
    engine = create_engine(postgres_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            first_pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar()
        admin = create_engine(postgres_url)
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        await admin.dispose()

        async with engine.connect() as connection:
            second_pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar()
    finally:
        await engine.dispose()

    assert second_pid != first_pid


async def test_objects_stay_readable_after_their_unit_of_work_commits(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        job = await JobRepository(session).add(job_data(raw_input="kept after commit"))
    # No lazy reload (which async sessions cannot do implicitly) once the session is gone.
    assert job.raw_input == "kept after commit"
    assert job.id > 0
