"""Migration 0005: any registered kind, seeds inside params, the posted graph kept (both dialects)."""

from __future__ import annotations

import json

from sqlalchemy import inspect, text

from db import migrate
from db.engine import create_engine
from tests.db.raw_sql import execute

_INSERT = text(
    "INSERT INTO jobs (guild_id, channel_id, user_id, kind, raw_input, params, workflow_name, "
    "workflow_version, seed) VALUES (1, 2, 3, :kind, 'a fox', :params, 'txt2img', 'v1', :seed)"
)


async def _columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: {column["name"] for column in inspect(sync).get_columns("jobs")}
            )
    finally:
        await engine.dispose()


async def test_upgrade_copies_each_seed_into_its_params_and_accepts_any_kind(empty_database_url: str) -> None:
    await migrate.upgrade_to(empty_database_url, "0004")
    big_seed = 2**64 - 1  # beyond a signed 64-bit integer: must survive exactly
    await execute(empty_database_url, _INSERT, kind="image", params='{"prompt": "a fox"}', seed=str(big_seed))
    await execute(empty_database_url, _INSERT, kind="song", params="{}", seed=None)

    await migrate.upgrade_to_head(empty_database_url)

    rows = await execute(empty_database_url, text("SELECT kind, params FROM jobs ORDER BY id"))
    params = [row[1] if isinstance(row[1], dict) else json.loads(row[1]) for row in rows]
    assert params[0] == {"prompt": "a fox", "seed": big_seed}
    assert params[1] == {}
    assert {"posted_graph", "seed_document"} <= await _columns(empty_database_url)
    # A kind the first migration's CHECK did not list, with a name longer than its five characters.
    await execute(empty_database_url, _INSERT, kind="video_edit", params="{}", seed=None)
    assert await migrate.schema_differences(empty_database_url) == []


async def test_downgrade_drops_the_new_columns_and_jobs_of_unknown_kinds(empty_database_url: str) -> None:
    await migrate.upgrade_to_head(empty_database_url)
    await execute(empty_database_url, _INSERT, kind="image", params="{}", seed=None)
    await execute(empty_database_url, _INSERT, kind="toy", params="{}", seed=None)

    await migrate.downgrade_to(empty_database_url, "0004")

    kinds = await execute(empty_database_url, text("SELECT kind FROM jobs"))
    assert [row[0] for row in kinds] == ["image"]
    assert not {"posted_graph", "seed_document"} & await _columns(empty_database_url)
