"""End-to-end harness: the real ComfyBot (discord.py), the Discord emulator, the fake ComfyUI, a database.

Usage::

    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a red fox"})      # as world.alice
        message = await world.wait_for_final(interaction)                       # the edited response
        job = await world.job_for(message)                                       # its JobView
        await world.restart_bot()   # a new ComfyBot + a new CoreRuntime on the same database and data dir

Helpers: ``world.slash``, ``wait_acked``, ``wait_for_final`` / ``wait_for_message_final`` (a message whose
embed footer reads "Job #<id> · done|failed|cancelled"), ``bot_messages()``, ``job_for(message)``,
``delivered(job_id)`` (job + artifacts once the final update was marked delivered, uploads recorded);
module functions ``job_state``, ``is_final``, ``states_shown``, ``assert_no_repeated_revisions`` (from
``job_messages``, which reads what a job's message shows).

What is running (all on 127.0.0.1, ephemeral ports):
- ``world.emu``: the DiscordEmulator, with ``world.guild`` and ``world.channel`` ("gallery") and the members
  ``world.alice``, ``world.bob`` (plain members) and ``world.mod`` (Manage Messages).
- ``world.fake``: the fake ComfyUI (``FakeConfig(step_time_s=0.01, default_steps=6)`` unless given).
- ``world.runtime``: the CoreRuntime on ``database_url`` (data under ``tmp_path/data``).
- ``world.bot``: the ComfyBot, logged in, commands synced to the guild (``DEV_GUILD_ID``), with
  ``ReportingConfig`` waits shortened (``FAST_REPORTING``) unless ``reporting=`` is given.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import discord

from bot.client import EXTENSIONS, ComfyBot
from bot.reporting.config import ReportingConfig
from bot.runtime import CoreRuntime
from bot.settings import Role
from comfy.artifacts import FileOpener, open_for_writing
from core.jobs.failure_notices import FailureNoticeSettings
from core.jobs.queue_settings import QueueSettings
from core.jobs.snapshots import ArtifactView, JobView
from core.moderation.settings import ModerationSettings
from core.queue.limits import GuildLimits
from core.safety.checker import SafetyConfig
from db.enums import DeliveryState
from tests.core.jobs.harness import delivery_settled
from tests.discord_emulator import (
    Channel,
    DiscordEmulator,
    Guild,
    Interaction,
    Member,
    Message,
)
from tests.discord_emulator.command_data import Upload
from tests.e2e.bot_start import FastBot, bot_settings, connected, runtime_config
from tests.e2e.job_messages import FINAL_STATES as FINAL_STATES  # tests import these from here too
from tests.e2e.job_messages import assert_no_repeated_revisions as assert_no_repeated_revisions
from tests.e2e.job_messages import is_final, job_state
from tests.e2e.job_messages import revision_key as revision_key
from tests.e2e.job_messages import states_shown as states_shown
from tests.fakes.comfyui import FakeComfyUI, FakeConfig

MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
FAST_REPORTING = ReportingConfig(
    edit_interval_s=0.05,
    channel_edits_per_window=50,
    channel_window_s=1.0,
    server_error_backoff_s=0.01,
    message_wait_s=2.0,
    notice_ttl_s=0.3,
)
FAST_QUEUE = QueueSettings(
    worker_id="e2e-worker",
    lease_s=6.0,
    retry_backoff_s=0.05,
    delivery_backoff_s=0.05,
    delivery_attempts=5,
    delivery_mark_window_s=0.005,
)


@dataclass
class World:
    emu: DiscordEmulator
    fake: FakeComfyUI
    database_url: str
    data_dir: Path
    guild: Guild
    channel: Channel
    alice: Member
    bob: Member
    mod: Member
    reporting: ReportingConfig
    queue: QueueSettings
    extensions: tuple[str, ...]
    workflows_dir: Path | None = None
    deleted_files_grace_s: float = 86_400.0
    enabled_kinds: tuple[str, ...] | None = None  # ENABLED_KINDS
    personal_limits: GuildLimits = field(default_factory=GuildLimits)  # PERSONAL_*
    moderation: ModerationSettings = field(default_factory=ModerationSettings)  # MODERATION_LOG_DAYS, clock
    failure_notices: FailureNoticeSettings = field(default_factory=FailureNoticeSettings)  # its window, clock
    open_file: FileOpener = open_for_writing  # how DATA_DIR's result files are written (a full disk, say)
    bot_owner_ids: str = ""  # BOT_OWNER_IDS
    role: Role = "all"  # ROLE: a gateway-only bot leaves the queue to workers (tests/e2e/roles_support.py)
    safety: SafetyConfig = field(default_factory=SafetyConfig)  # SAFETY_*: a stand-in classifier, say
    runtime: CoreRuntime = field(init=False)
    bot: ComfyBot = field(init=False)
    _stack: contextlib.AsyncExitStack = field(init=False)

    # -- acting as users ---------------------------------------------------------------------------------
    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        member: Member | None = None,
        channel: Channel | None = None,
        attachments: dict[str, Upload] | None = None,
    ) -> Interaction:
        """Runs /name as `member` (alice) in `channel` (gallery)."""
        return await self.emu.send_slash_command(
            self.guild, channel or self.channel, member or self.alice, name, options, attachments
        )

    async def wait_acked(self, interaction: Interaction, timeout: float = 5.0) -> Interaction:  # noqa: ASYNC109
        await self.emu.wait_for(lambda: interaction.acked, timeout)
        return interaction

    async def imagine_running(self, prompt: str) -> tuple[Interaction, Message]:
        """/imagine `prompt` as alice, once its job runs: (the interaction, its response message)."""
        interaction = await self.slash("imagine", {"prompt": prompt})
        await self.wait_acked(interaction)
        message = self.emu.original_response(interaction)
        await self.emu.wait_for(lambda: job_state(message) == "running")
        return interaction, message

    async def wait_for_final(
        self,
        interaction: Interaction,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> Message:
        """The interaction's response message once it shows a finished job (result, failure or cancel)."""
        await self.wait_acked(interaction, timeout)
        message = self.emu.original_response(interaction)
        await self.emu.wait_for(lambda: is_final(message), timeout)
        return message

    async def wait_for_message_final(self, message: Message, timeout: float = 15.0) -> Message:  # noqa: ASYNC109
        await self.emu.wait_for(lambda: is_final(message), timeout)
        return message

    def bot_messages(self, channel: Channel | None = None) -> list[Message]:
        """The bot's live (not deleted, not ephemeral) messages in a channel, oldest first."""
        channel_id = (channel or self.channel).id
        return [
            m
            for m in self.emu.messages.get(channel_id, [])
            if m.author.id == self.emu.bot_user.id and not m.deleted and not m.ephemeral
        ]

    def notes(self, interaction: Any) -> list[Message]:
        """An interaction's followups other than the completion ping, which may come at any moment after
        the result (its text starts with the requester's mention)."""
        return [m for m in self.emu.followups(interaction) if not m.content.startswith("<@")]

    def job_messages(self, channel: Channel | None = None) -> list[Message]:
        """The bot's live messages that show a job (not the short completion pings after them)."""
        return [m for m in self.bot_messages(channel) if job_state(m) is not None]

    # -- looking at the database ---------------------------------------------------------------------
    async def job_for(self, message: Message) -> JobView:
        job = await self.runtime.browser.job_for_message(message.id, guild_id=self.guild.id)
        assert job is not None, f"no job shows message {message.id}"
        return job

    async def delivered(
        self,
        job_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109
        guild_id: int | None = None,
    ) -> tuple[JobView, tuple[ArtifactView, ...]]:
        """The job and its artifacts once the core has said its final update was delivered (after the
        reporter recorded the uploads). `guild_id`: the job's scope, if not the world's guild."""
        events = self.runtime.dispatcher.delivery.events
        scope = self.guild.id if guild_id is None else guild_id
        async with asyncio.timeout(timeout), delivery_settled(events, job_id) as settled:
            job, artifacts = await self.runtime.service.get_with_artifacts(job_id, guild_id=scope)
            if job.delivery_state in (DeliveryState.PENDING, DeliveryState.DELIVERING):
                await settled.wait()
                job, artifacts = await self.runtime.service.get_with_artifacts(job_id, guild_id=scope)
            return job, artifacts

    # -- lifecycle -------------------------------------------------------------------------------------
    async def start_bot(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        http = await self._stack.enter_async_context(aiohttp.ClientSession())
        self.runtime = await CoreRuntime.build(runtime_config(self), http=http)
        self.bot = FastBot(
            settings=bot_settings(self),
            runtime=self.runtime,
            extensions=self.extensions,
            reporting=self.reporting,
            role=self.role,
            guild_ready_timeout=0.05,
        )
        # ComfyBot.close() closes the runtime too.
        await self._stack.enter_async_context(connected(self.emu, self.bot))

    async def stop_bot(self) -> None:
        await self._stack.aclose()

    async def restart_bot(self) -> None:
        """A new ComfyBot and a new CoreRuntime on the same database, data dir, emulator and ComfyUI."""
        await self.stop_bot()
        await self.start_bot()


def form_id(interaction: Interaction) -> str:
    """The custom_id of the form (modal) an interaction opened: what submit_modal answers."""
    assert interaction.modal is not None, f"interaction {interaction.id} opened no form"
    return str(interaction.modal["custom_id"])


def german_server(_emu: DiscordEmulator, guild: Guild) -> None:
    """A `customize` for running_world: the server reads German (its preferred locale)."""
    guild.preferred_locale = "de"


@contextlib.asynccontextmanager
async def running_world(
    database_url: str,
    tmp_path: Path,
    *,
    fake_config: FakeConfig | None = None,
    reporting: ReportingConfig = FAST_REPORTING,
    extensions: tuple[str, ...] = EXTENSIONS,
    customize: Callable[[DiscordEmulator, Guild], None] | None = None,
    workflows_dir: Path | None = None,
    deleted_files_grace_s: float = 86_400.0,
    enabled_kinds: tuple[str, ...] | None = None,
    personal_limits: GuildLimits | None = None,
    moderation: ModerationSettings | None = None,
    failure_notices: FailureNoticeSettings | None = None,
    open_file: FileOpener = open_for_writing,
    bot_owner_ids: str = "",
    role: Role = "all",
    safety: SafetyConfig | None = None,
    **queue: Any,
) -> AsyncIterator[World]:
    """Starts everything (see the module docstring); `queue` overrides QueueSettings fields.

    `workflows_dir` is WORKFLOWS_DIR: a folder of extra API-format workflows for the catalogue.

    `customize(emu, guild)` runs before the bot connects: add channels, roles or members there.
    """
    config = fake_config or FakeConfig(step_time_s=0.01, default_steps=6)
    output_dir = tmp_path / "comfy-output"
    output_dir.mkdir(exist_ok=True)
    async with DiscordEmulator() as emu:
        fake = FakeComfyUI(config, output_dir=output_dir)
        await fake.start()
        try:
            guild = emu.add_guild(name="Art Club")
            channel = emu.add_channel(guild, "gallery")
            world = World(
                emu=emu,
                fake=fake,
                database_url=database_url,
                data_dir=tmp_path / "data",
                guild=guild,
                channel=channel,
                alice=emu.add_member(guild, name="alice"),
                bob=emu.add_member(guild, name="bob"),
                mod=emu.add_member(guild, name="mod", permissions=MANAGE_MESSAGES),
                reporting=reporting,
                queue=replace(FAST_QUEUE, **queue),
                extensions=extensions,
                workflows_dir=workflows_dir,
                deleted_files_grace_s=deleted_files_grace_s,
                enabled_kinds=enabled_kinds,
                personal_limits=personal_limits or GuildLimits(),
                moderation=moderation or ModerationSettings(),
                failure_notices=failure_notices or FailureNoticeSettings(),
                open_file=open_file,
                bot_owner_ids=bot_owner_ids,
                role=role,
                safety=safety or SafetyConfig(),
            )
            if customize is not None:
                customize(emu, guild)
            await world.start_bot()
            try:
                yield world
            finally:
                await world.stop_bot()
        finally:
            await fake.stop()


async def all_final(world: World, interaction: Interaction, count: int) -> list[Message]:
    """The response and its followups that show jobs, once `count` of them show a finished one."""

    def shown() -> list[Message]:
        answers = [world.emu.original_response(interaction), *world.emu.followups(interaction)]
        return [m for m in answers if not m.deleted and job_state(m) is not None]

    await world.wait_acked(interaction)
    await world.emu.wait_for(lambda: len(shown()) == count and all(is_final(m) for m in shown()), 30)
    return shown()
