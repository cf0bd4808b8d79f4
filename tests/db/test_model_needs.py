"""The model files a job loads, kept with it, and a guild's model and LoRA allow-lists."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import GuildPolicy
from db.schemas import InvalidInput, JobCreate, validated
from db.snapshots import QueuedJob
from db.units.jobs import JobStore
from db.units.policies import PolicyStore
from db.worker_messages import JobQueuedMessage, payload, read
from tests.db.factories import GUILD_A, job_data, read_document

NEEDS = [
    ("CheckpointLoaderSimple", "ckpt_name", "sdxl/juggernaut.safetensors"),
    ("LoraLoader", "lora_name", "ink.safetensors"),
]


async def test_a_queued_job_read_back_after_a_restart_keeps_its_model_needs(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w1")
    with_needs = await store.create(JobCreate.model_validate(job_data(model_needs=NEEDS)))
    without = await store.create(JobCreate.model_validate(job_data()))

    queued = {entry.job_id: entry for entry in await store.queued_jobs()}

    assert queued[with_needs.id].model_needs == tuple(NEEDS)
    assert queued[without.id].model_needs == ()
    assert QueuedJob.of(with_needs) == queued[with_needs.id]


def test_other_workers_hear_of_the_needs_with_the_queued_job() -> None:
    message = JobQueuedMessage(
        sender="a", job_id=7, guild_id=1, user_id=10, workflow_name="txt2img", model_needs=NEEDS
    )
    assert read(json.loads(json.dumps(payload(message)))) == message
    older = {"kind": "queued", "sender": "a", "job_id": 7, "guild_id": 1, "user_id": 10, "workflow_name": "w"}
    heard = read(older)
    assert isinstance(heard, JobQueuedMessage)
    assert heard.model_needs == []


@pytest.mark.parametrize(
    "needs", [[("LoraLoader", "lora_name", "")], [("LoraLoader", "lora_name", "x" * 201)], [("a", "b")]]
)
def test_malformed_needs_are_refused(needs: list[tuple[str, ...]]) -> None:
    with pytest.raises(InvalidInput):
        validated(JobCreate, job_data(model_needs=needs))


async def test_allow_lists_are_stored_and_changed_on_the_policy_as_it_is(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = PolicyStore(sessionmaker)

    def allowing(name: str):  # type: ignore[no-untyped-def]
        return lambda policy: {"allowed_loras": [*policy.allowed_loras, name]}

    await store.change(GUILD_A, allowing("ink.safetensors"))
    await store.change(GUILD_A, allowing("grain.safetensors"))
    await store.change(GUILD_A, lambda policy: {"allowed_models": ["sd15.safetensors"]})
    stored = await store.get(GUILD_A)

    assert isinstance(stored, GuildPolicy)
    assert stored.allowed_loras == ["ink.safetensors", "grain.safetensors"]
    assert stored.allowed_models == ["sd15.safetensors"]
    with pytest.raises(InvalidInput):
        await store.change(GUILD_A, lambda policy: {"allowed_models": ["x" * 201]})
