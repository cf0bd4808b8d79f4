"""The engine and session factory: per-backend connection settings, objects usable after commit."""

from __future__ import annotations

from pathlib import Path

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


async def test_postgres_connections_are_checked_before_use(postgres_url: str) -> None:
    # A connection the server closed (restart, idle timeout) is replaced instead of failing a job.
    engine = create_engine(postgres_url)
    try:
        assert engine.pool._pre_ping  # type: ignore[attr-defined]  # no public accessor
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT 1")).scalar() == 1
    finally:
        await engine.dispose()


async def test_objects_stay_readable_after_their_unit_of_work_commits(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        job = await JobRepository(session).add(job_data(raw_input="kept after commit"))
    # No lazy reload (which async sessions cannot do implicitly) once the session is gone.
    assert job.raw_input == "kept after commit"
    assert job.id > 0
