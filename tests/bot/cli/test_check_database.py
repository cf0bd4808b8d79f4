"""`python -m bot check` on the database: a server not listening, a database missing or not migrated, and a
SQLite file not made yet; a password in DATABASE_URL is never printed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import URL

from tests.bot.cli.check_support import failures, run_check, settings_for
from tests.bot.cli.helpers import WELL_FORMED_TOKEN
from tests.fakes.comfyui import FakeComfyUI
from tests.fixtures.database import create_postgres_database, drop_postgres_database


async def test_wrong_database_port_says_nothing_listens_and_hides_the_password(
    fake_comfy: FakeComfyUI, unused_tcp_port: int
) -> None:
    url = f"postgresql+asyncpg://bot:hunter2-secret@127.0.0.1:{unused_tcp_port}/bot"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 1
    [failure] = failures(report)
    assert failure.startswith(
        f"✗ cannot open the database postgresql+asyncpg://[credentials]@127.0.0.1:{unused_tcp_port}/bot: "
    )
    assert (
        f"    fix: nothing listens at 127.0.0.1:{unused_tcp_port}: start the database server or correct "
        "the host and port in DATABASE_URL"
    ) in report
    assert "hunter2-secret" not in report


@pytest.mark.postgres
async def test_missing_postgres_database_is_named_with_how_to_create_it(
    postgres_server: URL, fake_comfy: FakeComfyUI
) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_bot_db"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 1
    assert 'database "no_such_bot_db" does not exist' in failures(report)[0]
    assert "    fix: create the database (e.g. `createdb no_such_bot_db`)" in report


@pytest.mark.postgres
async def test_unmigrated_postgres_database_asks_for_migrate(
    postgres_server: URL, fake_comfy: FakeComfyUI
) -> None:
    name = f"test_check_empty_{uuid.uuid4().hex[:8]}"
    url = await create_postgres_database(postgres_server, name)
    try:
        code, report = await run_check(
            settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
        )
    finally:
        await drop_postgres_database(postgres_server, name)
    assert code == 1
    assert "schema is empty (no tables), this version needs " in failures(report)[0]
    assert "    fix: run `python -m bot migrate` (with compose: `docker compose run --rm migrate`)" in report


async def test_new_sqlite_database_passes_because_run_creates_it(
    fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 0, report
    assert "the SQLite file does not exist yet; `run` creates and migrates it" in report
    assert not (tmp_path / "new.db").exists()  # checking creates nothing
