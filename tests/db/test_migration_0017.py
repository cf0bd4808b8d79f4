"""Migration 0017: a server's own workflow names are its own; the jobs bound to one follow its new name."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db import migrate
from tests.db.raw_sql import execute

_JOB = text(
    "INSERT INTO jobs (guild_id, channel_id, user_id, kind, raw_input, params, workflow_name, "
    "workflow_version) VALUES (:guild, 2, 3, 'image', 'a fox', '{}', :name, :version)"
)
_WORKFLOW = text(
    "INSERT INTO stored_workflows (name, guild_id, kind, graph, version, added_by, removed_at) "
    "VALUES (:name, :guild, 'image', '{}', :version, 7, NULL)"
)


async def test_jobs_on_a_servers_own_workflow_take_its_qualified_name(empty_database_url: str) -> None:
    await migrate.upgrade_to(empty_database_url, "0016")
    await execute(empty_database_url, _WORKFLOW, name="portrait", guild=1001, version="v-ours")
    await execute(empty_database_url, _WORKFLOW, name="everyone", guild=None, version="v-all")
    await execute(empty_database_url, _JOB, guild=1001, name="portrait", version="v-ours")
    await execute(
        empty_database_url, _JOB, guild=1001, name="portrait", version="v-a-file"
    )  # WORKFLOWS_DIR's
    await execute(empty_database_url, _JOB, guild=1001, name="everyone", version="v-all")
    await execute(empty_database_url, _JOB, guild=2002, name="txt2img", version="v-builtin")

    await migrate.upgrade_to_head(empty_database_url)

    rows = await execute(empty_database_url, text("SELECT workflow_name FROM jobs ORDER BY id"))
    assert [row[0] for row in rows] == ["portrait@1001", "portrait", "everyone", "txt2img"]
    await execute(empty_database_url, _WORKFLOW, name="portrait", guild=2002, version="v-theirs")
    await execute(empty_database_url, _WORKFLOW, name="portrait", guild=None, version="v-all")
    with pytest.raises(IntegrityError):
        await execute(empty_database_url, _WORKFLOW, name="portrait", guild=2002, version="v-again")
    assert await migrate.schema_differences(empty_database_url) == []


async def test_downgrade_gives_the_jobs_their_plain_names_back(empty_database_url: str) -> None:
    await migrate.upgrade_to(empty_database_url, "0016")
    await execute(empty_database_url, _WORKFLOW, name="portrait", guild=1001, version="v-ours")
    await execute(empty_database_url, _JOB, guild=1001, name="portrait", version="v-ours")
    await migrate.upgrade_to_head(empty_database_url)

    await migrate.downgrade_to(empty_database_url, "0016")

    rows = await execute(empty_database_url, text("SELECT workflow_name FROM jobs"))
    assert [row[0] for row in rows] == ["portrait"]
