"""A benchmark's own PostgreSQL database: made and migrated on the server the environment names, dropped
after (with FORCE: a benchmark's connections may still be open)."""

from __future__ import annotations

import os
import uuid

import asyncpg
from sqlalchemy import URL, make_url

from db.migrate import upgrade_to_head

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def server_from_env(*names: str) -> URL:
    """The first of these environment variables that is set, else the local server."""
    return make_url(next((os.environ[n] for n in names if os.environ.get(n)), DEFAULT_SERVER))


def asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def as_setting(url: URL) -> str:
    """The URL as DATABASE_URL takes it (with its password)."""
    return url.render_as_string(hide_password=False)


async def create_database(server: URL, prefix: str) -> URL:
    """A new database named `<prefix>_<8 hex>` with the schema migrated; dropped again if that fails."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = server.set(database=name)
    try:
        await upgrade_to_head(url)
    except BaseException:
        await drop_database(server, name)
        raise
    return url


async def drop_database(server: URL, name: str) -> None:
    admin = await asyncpg.connect(asyncpg_dsn(server))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
