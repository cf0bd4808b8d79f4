"""Migration 0018: a job keeps the channel its thread is in; jobs made before know none."""

from __future__ import annotations

from sqlalchemy import text

from db import migrate
from tests.db.raw_sql import execute

_JOB = (
    "INSERT INTO jobs (guild_id, channel_id, {extra}user_id, kind, raw_input, params, workflow_name, "
    "workflow_version) VALUES (1, :channel, {value}3, 'image', 'a fox', '{{}}', 'txt2img', 'v1')"
)
_OLD_JOB = text(_JOB.format(extra="", value=""))
_THREAD_JOB = text(_JOB.format(extra="parent_channel_id, ", value=":parent, "))
_PLACES = text("SELECT channel_id, parent_channel_id FROM jobs ORDER BY id")
# A snowflake past 2**31: the column must hold Discord's 64-bit ids on both databases.
STAFF = 1_400_000_000_000_000_001


async def test_old_jobs_know_no_parent_channel_and_new_ones_keep_a_snowflake(empty_database_url: str) -> None:
    await migrate.upgrade_to(empty_database_url, "0017")
    await execute(empty_database_url, _OLD_JOB, channel=20)

    await migrate.upgrade_to_head(empty_database_url)
    await execute(empty_database_url, _THREAD_JOB, channel=21, parent=STAFF)

    rows = await execute(empty_database_url, _PLACES)
    assert [tuple(row) for row in rows] == [(20, None), (21, STAFF)]
    assert await migrate.schema_differences(empty_database_url) == []


async def test_downgrade_drops_the_parent_channel_and_keeps_the_jobs(empty_database_url: str) -> None:
    await migrate.upgrade_to_head(empty_database_url)
    await execute(empty_database_url, _THREAD_JOB, channel=21, parent=STAFF)

    await migrate.downgrade_to(empty_database_url, "0017")

    rows = await execute(empty_database_url, text("SELECT channel_id FROM jobs"))
    assert [row[0] for row in rows] == [21]
    await migrate.upgrade_to_head(empty_database_url)
    assert [tuple(row) for row in await execute(empty_database_url, _PLACES)] == [(21, None)]
