"""Migrations: a clean round trip, models and migrations in step, and refusing to run on an old schema."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, inspect, text

from db import migrate
from db.base import Base
from db.engine import create_engine

PROJECT_TABLES = {"jobs", "job_events", "artifacts", "guild_policies"}


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_round_trip(empty_database_url: str) -> None:
    await migrate.upgrade_to_head(empty_database_url)
    assert await table_names(empty_database_url) >= PROJECT_TABLES
    assert await migrate.schema_is_current(empty_database_url)

    await migrate.downgrade_to(empty_database_url, "base")
    assert not PROJECT_TABLES & await table_names(empty_database_url)
    assert await migrate.current_revisions(empty_database_url) == set()

    await migrate.upgrade_to_head(empty_database_url)
    assert await table_names(empty_database_url) >= PROJECT_TABLES
    assert await migrate.schema_differences(empty_database_url) == []


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    # What `alembic check` does: autogenerate's comparison must find nothing to change.
    assert await migrate.schema_differences(database_url) == []


async def test_comparison_does_notice_a_model_the_migrations_lack(database_url: str) -> None:
    # The check above is only worth something if it can fail.
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        copy = table.to_metadata(metadata)
        infos = {index.name: index.info for index in table.indexes}
        for index in copy.indexes:
            index.info.update(infos[index.name])  # to_metadata leaves info behind
    metadata.tables["jobs"].append_column(Column("not_migrated", Integer))

    differences = await migrate.schema_differences(database_url, metadata)

    assert [(d[0], d[3].name) for d in differences] == [("add_column", "not_migrated")]


async def test_empty_database_is_not_current(empty_database_url: str) -> None:
    assert not await migrate.schema_is_current(empty_database_url)


@pytest.mark.parametrize("empty_database_url", ["postgres"], indirect=True)
async def test_outdated_postgres_schema_is_refused_with_the_command_to_run(empty_database_url: str) -> None:
    with pytest.raises(migrate.SchemaOutdated, match=r"run `python -m bot migrate`"):
        await migrate.ensure_schema(empty_database_url)
    assert not PROJECT_TABLES & await table_names(empty_database_url)


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
async def test_outdated_sqlite_schema_is_upgraded_on_start(empty_database_url: str) -> None:
    await migrate.ensure_schema(empty_database_url)
    assert await migrate.schema_is_current(empty_database_url)


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
async def test_sqlite_auto_migration_can_be_turned_off(empty_database_url: str) -> None:
    with pytest.raises(migrate.SchemaOutdated):
        await migrate.ensure_schema(empty_database_url, auto_migrate_sqlite=False)


async def test_current_schema_passes_the_start_check(database_url: str) -> None:
    assert await migrate.schema_is_current(database_url)
    await migrate.ensure_schema(database_url, auto_migrate_sqlite=False)


async def test_migrations_do_not_depend_on_the_working_directory(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    await migrate.upgrade_to_head(empty_database_url)
    assert await migrate.schema_is_current(empty_database_url)


def test_migration_history_is_linear_with_one_head() -> None:
    assert len(migrate.head_revisions()) == 1


async def test_database_migrated_by_a_newer_bot_is_refused_without_suggesting_migrate(
    empty_database_url: str,
) -> None:
    await migrate.upgrade_to_head(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    finally:
        await engine.dispose()

    with pytest.raises(migrate.SchemaTooNew, match="newer than this version") as caught:
        await migrate.ensure_schema(empty_database_url)

    assert "migrate" not in str(caught.value)
    assert isinstance(caught.value, migrate.SchemaOutdated)


async def test_two_migrations_at_once_in_one_process_both_succeed(empty_database_url: str) -> None:
    await asyncio.gather(
        migrate.upgrade_to_head(empty_database_url), migrate.upgrade_to_head(empty_database_url)
    )
    assert await migrate.schema_is_current(empty_database_url)
    assert await migrate.schema_differences(empty_database_url) == []


@pytest.mark.parametrize("empty_database_url", ["postgres"], indirect=True)
async def test_two_bot_processes_migrating_postgres_at_once_both_succeed(empty_database_url: str) -> None:
    script = "import asyncio, sys; from db.migrate import upgrade_to_head as up; asyncio.run(up(sys.argv[1]))"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, empty_database_url, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [await process.communicate() for process in processes]

    assert [process.returncode for process in processes] == [0, 0], results
    assert await migrate.schema_is_current(empty_database_url)


async def test_trigram_search_index_exists_on_postgresql_only(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(
                lambda sync: {index["name"] for index in inspect(sync).get_indexes("jobs")}
            )
            dialect = connection.dialect.name
    finally:
        await engine.dispose()

    assert "ix_jobs_guild_history" in names
    assert ("ix_jobs_raw_input_trgm" in names) is (dialect == "postgresql")
