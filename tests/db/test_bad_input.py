"""Bad input is refused before the database, naming the field, and leaves no row behind."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Artifact, GuildPolicy, Job, JobEvent
from db.repositories import ArtifactRepository, GuildPolicyRepository, JobEventRepository, JobRepository
from db.schemas import MAX_RAW_INPUT_CHARS, InvalidInput
from db.types import MAX_SEED
from tests.db.factories import GUILD_A, artifact_data, job_data


async def count(session: AsyncSession, model: type[Any]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("raw_input", "x" * (MAX_RAW_INPUT_CHARS + 1)),
        ("raw_input", "nul \x00 inside"),
        ("params", '{"prompt": "unterminated'),
        ("params", {"cfg": float("nan")}),
        ("params", ["not", "an", "object"]),
        # Any registered kind's name is storable (the application checks registration); this is no name.
        ("kind", "Video clip!"),
        ("seed", MAX_SEED + 1),
        ("seed", -1),
        ("guild_id", 2**63),
        ("workflow_name", ""),
        ("workflow_version", "v" * 65),
    ],
)
async def test_bad_job_input_names_the_field_and_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], field: str, bad_value: object
) -> None:
    async with sessionmaker.begin() as session:
        with pytest.raises(InvalidInput) as caught:
            await JobRepository(session).add(job_data(**{field: bad_value}))

    assert caught.value.fields == [field]
    assert isinstance(caught.value, ValidationError)
    assert field in str(caught.value)
    async with sessionmaker() as session:
        assert await count(session, Job) == 0


async def test_unknown_fields_such_as_a_bot_token_are_refused(session: AsyncSession) -> None:
    with pytest.raises(InvalidInput) as caught:
        await JobRepository(session).add(job_data(bot_token="secret"))
    assert caught.value.fields == ["bot_token"]
    assert await count(session, Job) == 0


async def test_params_given_as_json_text_are_parsed(session: AsyncSession) -> None:
    job = await JobRepository(session).add(job_data(params='{"steps": 30}'))
    assert job.params == {"steps": 30}


async def test_user_message_lists_fields_without_internals(session: AsyncSession) -> None:
    with pytest.raises(InvalidInput) as caught:
        await JobRepository(session).add(job_data(kind="Video clip!", seed=-5))
    assert caught.value.user_message == "Some of that input was not accepted: kind, seed."


async def test_one_bad_artifact_means_none_of_the_batch_is_written(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        job = await JobRepository(session).add(job_data())
    good = artifact_data(job.id)
    bad = artifact_data(job.id, path="../../etc/passwd")

    async with sessionmaker.begin() as session:
        with pytest.raises(InvalidInput) as caught:
            await ArtifactRepository(session).add_all([good, bad])

    assert caught.value.fields == ["path"]
    async with sessionmaker() as session:
        assert await count(session, Artifact) == 0


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("path", "/var/data/a.png"),
        ("path", "C:\\data\\a.png"),
        ("sha256", "not-a-hash"),
        ("mime_type", "png"),
        ("type", "hologram"),
        ("meta", "{broken json"),
        ("size_bytes", -1),
        ("duration_seconds", float("inf")),
    ],
)
async def test_bad_artifact_input_is_refused(session: AsyncSession, field: str, bad_value: object) -> None:
    job = await JobRepository(session).add(job_data())
    with pytest.raises(InvalidInput) as caught:
        await ArtifactRepository(session).add(artifact_data(job.id, **{field: bad_value}))
    assert caught.value.fields == [field]
    assert await count(session, Artifact) == 0


async def test_bad_event_detail_is_refused(session: AsyncSession) -> None:
    job = await JobRepository(session).add(job_data())
    with pytest.raises(InvalidInput) as caught:
        await JobEventRepository(session).record(job.id, "progress", {"text": "nul\x00"})
    assert caught.value.fields == ["detail"]
    assert await count(session, JobEvent) == 0


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("max_running_per_user", 0),
        ("rate_refill_per_minute", -1.0),
        ("blocked_words", ["ok", "x" * 101]),
        ("allowed_channel_ids", ["general"]),
        ("regenerate_permission", "admins"),
    ],
)
async def test_bad_policy_change_is_refused_and_nothing_changes(
    sessionmaker: async_sessionmaker[AsyncSession], field: str, bad_value: object
) -> None:
    async with sessionmaker.begin() as session:
        with pytest.raises(InvalidInput) as caught:
            await GuildPolicyRepository(session).update(GUILD_A, {field: bad_value, "max_queued_per_user": 5})

    assert caught.value.fields[0].split(".")[0] == field
    async with sessionmaker() as session:
        assert await count(session, GuildPolicy) == 0
