"""The database fixtures other tests rely on: rollback per test and empty tables afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import Job
from db.repositories import JobRepository
from tests.db.factories import job_data
from tests.fixtures.database import empty_tables, rolled_back_session

PROJECT_ROOT = Path(__file__).resolve().parents[2]


async def job_count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Job)) or 0


async def test_commits_inside_the_test_session_are_rolled_back_at_the_end(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with rolled_back_session(engine) as session:
        await JobRepository(session).add(job_data())
        await session.commit()  # what code under test may do: only a SAVEPOINT is released
        await JobRepository(session).add(job_data())
        await session.rollback()  # and this undoes only the work since that commit
        assert await session.scalar(select(func.count()).select_from(Job)) == 1

    assert await job_count(sessionmaker) == 0


async def test_emptying_tables_removes_committed_rows(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        await JobRepository(session).add(job_data())
    assert await job_count(sessionmaker) == 1

    await empty_tables(database_url)

    assert await job_count(sessionmaker) == 0


PROBE = """
import pytest

@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_probe(database_url):
    assert database_url
"""


def run_probe(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {
        **os.environ,
        "CI": ci,
        # Nothing listens on port 1: the connection is refused at once.
        "TEST_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/postgres",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.fixtures.database",
        "-rsE",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.run(
        [*command, "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_without_postgres_its_half_is_skipped_with_the_reason(tmp_path: Path) -> None:
    result = run_probe(tmp_path, ci="")
    assert "1 skipped" in result.stdout, result.stdout + result.stderr
    assert "PostgreSQL does not answer at postgresql+asyncpg://postgres@127.0.0.1:1/postgres" in result.stdout


def test_without_postgres_under_ci_its_half_fails(tmp_path: Path) -> None:
    result = run_probe(tmp_path, ci="true")
    assert result.returncode != 0
    assert "1 error" in result.stdout, result.stdout + result.stderr
    assert "CI=true: PostgreSQL is required" in result.stdout
