"""Helpers of the result-action tests: a first result, the job a click made, and the input it started from."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from core.jobs.derived import ResultMessage
from core.jobs.presses import REPEAT_WINDOW
from core.jobs.snapshots import ArtifactView, JobView
from db.models import Job
from db.types import utcnow
from db.units.job_inputs import JobInputStore
from tests.discord_emulator import Interaction, Message
from tests.discord_emulator.layout import buttons
from tests.e2e.harness import World


async def first_result(
    world: World, options: dict[str, Any] | None = None
) -> tuple[Message, JobView, tuple[ArtifactView, ...]]:
    interaction = await world.slash("imagine", {"prompt": "a paper boat", **(options or {})})
    message = await world.wait_for_final(interaction)
    job = await world.job_for(message)
    job, artifacts = await world.delivered(job.id)
    return message, job, artifacts


async def made_from_click(world: World, click: Interaction) -> tuple[Message, JobView]:
    message = await world.wait_for_final(click)
    return message, await world.job_for(message)


async def new_job_message(world: World, known: int) -> Message:
    """The next job message the bot posts in the channel, once it is final."""
    message: Message = await world.emu.wait_for(
        lambda: world.job_messages()[known] if len(world.job_messages()) > known else None, 10
    )
    return await world.wait_for_message_final(message)


async def made_long_ago(world: World, job_id: int) -> None:
    """The job was made longer ago than a double click's second press could come (core.jobs.presses): a
    press again once it is done is a new request."""
    async with world.runtime.sessions.begin() as session:
        made_at = utcnow() - REPEAT_WINDOW - timedelta(seconds=1)
        await session.execute(update(Job).where(Job.id == job_id).values(queued_at=made_at))


def said_in(world: World) -> list[Message]:
    """The bot's messages in the channel, deleted ones too."""
    return [m for m in world.emu.messages.get(world.channel.id, []) if m.author.id == world.emu.bot_user.id]


async def assert_started_from(world: World, job: JobView, source: JobView, artifact: ArtifactView) -> None:
    """The new job's input is that file of the source, recorded with its origin and uploaded to ComfyUI."""
    [given] = await JobInputStore(world.runtime.sessions).for_job(job.id)
    assert (given.role, given.source, given.source_job_id) == ("image", "result", source.id)
    assert given.sha256 == artifact.sha256
    assert artifact.sha256 in {upload.sha256 for upload in world.fake.uploads}
    assert job.parent_id == source.id


def labels(message: Message) -> list[str]:
    """The labels of the result's buttons, in order (inside its components V2 container)."""
    return [str(b["label"]) for b in buttons(message) if b.get("label")]


def message_of(shown: Message) -> ResultMessage:
    """Where a result's message is, as a job made from it keeps it."""
    assert shown.guild_id is not None
    return ResultMessage(shown.guild_id, shown.channel_id, shown.id)


def linked(job_id: int, shown: Message) -> str:
    """ "#12" as a job made from job 12 says it: a link to the message `shown` that job's result is on."""
    return f"[#{job_id}](https://discord.com/channels/{shown.guild_id}/{shown.channel_id}/{shown.id})"


def modal_values(modal: dict[str, Any] | None) -> dict[str, Any]:
    """A form's fields as it opened: custom id -> the value it was filled in with (None: empty)."""
    assert modal is not None
    rows = modal["components"]
    assert isinstance(rows, list)
    return {row["components"][0]["custom_id"]: row["components"][0].get("value") for row in rows}
