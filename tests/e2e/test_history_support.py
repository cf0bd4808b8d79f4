"""Helpers for the /history, /queue and /settings end-to-end tests (this module holds no tests)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.exts._browsing_extensions import BROWSING_EXTENSIONS
from core.jobs.policy import Requester
from core.jobs.service import JobRequest, SubmitReceipt
from core.jobs.snapshots import JobView
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from tests.core.jobs.harness import delivery_settled
from tests.discord_emulator import Interaction, Member, Message
from tests.discord_emulator.layout import components_of
from tests.e2e.harness import World, running_world


@contextlib.asynccontextmanager
async def browsing_world(database_url: str, tmp_path: Path, **options: Any) -> AsyncIterator[World]:
    """The whole bot (every extension, the shared error path and the job reporter)."""
    async with running_world(database_url, tmp_path, **options) as world:
        assert set(BROWSING_EXTENSIONS) <= set(world.bot.extensions)
        yield world


async def imagined(world: World, member: Member, prompt: str = "a red fox") -> JobView:
    """A finished job made the way members make them: /imagine, then its message shows the result."""
    message = await world.wait_for_final(await world.slash("imagine", {"prompt": prompt}, member=member))
    return await job_shown_by(world, message)


async def job_shown_by(world: World, message: Message) -> JobView:
    """The job behind a message. The reporter records the message ids right after showing the job, and a
    fast job may finish before that is committed, so wait for it a moment."""
    async with asyncio.timeout(5):
        while True:
            job = await world.runtime.browser.job_for_message(message.id, guild_id=world.guild.id)
            if job is not None:
                return job
            await asyncio.sleep(0.02)


async def submit(
    world: World,
    member: Member,
    prompt: str = "a red fox",
    *,
    guild_id: int | None = None,
    song: bool = False,
) -> SubmitReceipt:
    """A job made straight through the core, as `member` in the world's channel."""
    params = (
        SongParams(lyrics=f"[verse]\n{prompt}", genre="pop", duration=10)
        if song
        else ImageParams(prompt=prompt)
    )
    request = JobRequest(
        guild_id=guild_id or world.guild.id,
        requester=Requester(user_id=member.id, channel_id=world.channel.id),
        raw_input=prompt,
        params=params,
    )
    return await world.runtime.service.submit(request)


async def finished(world: World, job_id: int, guild_id: int | None = None, within_s: float = 15.0) -> JobView:
    """The job once it has finished: a finished job's final update is delivered next, and the core says when
    that delivery settled."""
    events = world.runtime.dispatcher.delivery.events
    async with asyncio.timeout(within_s), delivery_settled(events, job_id) as settled:
        job = await world.runtime.service.get(job_id, guild_id=guild_id or world.guild.id)
        if not job.status.is_final:
            await settled.wait()
            job = await world.runtime.service.get(job_id, guild_id=guild_id or world.guild.id)
        return job


async def answer(world: World, interaction: Interaction, timeout: float = 5.0) -> Message:  # noqa: ASYNC109
    """What the asker sees: the deferred response once edited, or the last followup."""

    def seen() -> Message | None:
        if interaction.followup_message_ids:
            return world.emu.message(interaction.followup_message_ids[-1])
        if interaction.response_message_id is None:
            return None
        message = world.emu.message(interaction.response_message_id)
        if interaction.response_type == 5 and len(message.revisions) < 2:
            return None  # still "thinking…"
        return message

    found: Message = await world.emu.wait_for(seen, timeout)
    return found


def field_values(message: Message) -> dict[str, str]:
    return {field["name"]: field["value"] for embed in message.embeds for field in embed.get("fields", [])}


def component(message: Message, custom_id: str) -> dict[str, Any]:
    """The message's control `custom_id` names: exactly, or a paged listing's ("history:older" for
    "history:older:<the command's interaction id>", bot.ui.page_turner)."""
    for item in components_of(message):
        if item.get("custom_id") == custom_id or str(item.get("custom_id", "")).startswith(f"{custom_id}:"):
            return dict(item)
    raise KeyError(custom_id)


def control_id(message: Message, custom_id: str) -> str:
    """The full custom_id of the control `component` finds."""
    return str(component(message, custom_id)["custom_id"])
