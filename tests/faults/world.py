"""A world for fault tests: the Discord emulator and the fake ComfyUI in the test process, PostgreSQL, and the
real bot in its own process (`python -m bot run`, see bot_process.py) pointed at them by its settings.

    async with running_world(postgres_url, tmp_path) as world:
        place = world.places[0]                       # a guild, its "gallery" channel, five members and a mod
        interaction = await world.imagine(place, place.users[0], "a red fox")
        message = await world.wait_for_final(interaction)
        await world.bot.kill(); await world.bot.start()

Five guilds ("places") exist; the first is the bot's DEV_GUILD_ID (commands synced there, global elsewhere).
The database URL the bot gets carries a password (PostgreSQL trusts 127.0.0.1, so it is never checked): the
log is scanned for it and for the token when the world closes, and for tracebacks (no unhandled exception);
the bot must then stop cleanly on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_sessionmaker
from db.models import Artifact, Job
from db.repositories.guild_policies import GuildPolicyRepository
from tests.discord_emulator import Channel, DiscordEmulator, Guild, Interaction, Member, Message
from tests.discord_emulator.layout import footers
from tests.e2e.harness import is_final, job_state
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.faults.bot_process import BotProcess

GUILDS = 5
USERS_PER_GUILD = 5
DATABASE_PASSWORD = "faults-db-password-7f3a9c"
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
FAST_FAKE = FakeConfig(step_time_s=0.01, default_steps=6)


@dataclass
class Place:
    """One guild as the tests use it: its channel, plain members and a moderator (Manage Messages)."""

    guild: Guild
    channel: Channel
    users: list[Member]
    mod: Member


@dataclass
class FaultWorld:
    emu: DiscordEmulator
    fake: FakeComfyUI
    bot: BotProcess
    engine: AsyncEngine
    places: list[Place]
    data_dir: Path

    @property
    def secrets(self) -> dict[str, str]:
        return {"DISCORD_TOKEN": self.emu.token, "database password": DATABASE_PASSWORD}

    # -- acting as users ---------------------------------------------------------------------------------
    async def imagine(
        self,
        place: Place,
        member: Member,
        prompt: str,
        channel: Channel | None = None,
        **options: Any,
    ) -> Interaction:
        return await self.emu.send_slash_command(
            place.guild, channel or place.channel, member, "imagine", {"prompt": prompt, **options}
        )

    async def wait_for_final(self, interaction: Interaction, timeout: float = 30.0) -> Message:  # noqa: ASYNC109
        await self.emu.wait_for(lambda: interaction.acked, timeout)
        message = self.emu.original_response(interaction)
        await self.emu.wait_for(lambda: is_final(message), timeout)
        return message

    async def private_reply(self, interaction: Interaction, timeout: float = 15.0) -> str:  # noqa: ASYNC109
        """The text of the private answer a refused or informational command ends with."""
        await self.emu.wait_for(lambda: interaction.acked, timeout)

        def private_text() -> str | None:
            messages = list(self.emu.followups(interaction))
            if interaction.response_message_id is not None:
                messages.append(self.emu.original_response(interaction))
            for message in messages:
                text = (message.content or "") + " ".join(
                    str(e.get("description", "")) for e in message.embeds
                )
                if message.ephemeral and text.strip() and "thinking" not in text.lower():
                    return text
            return None

        text: str = await self.emu.wait_for(private_text, timeout)
        return text

    async def wait_all_final(self, interactions: Iterable[Interaction], timeout: float = 60.0) -> None:  # noqa: ASYNC109
        pending = list(interactions)

        def all_final() -> bool:
            return all(
                i.acked and i.response_message_id is not None and is_final(self.emu.original_response(i))
                for i in pending
            )

        await self.emu.wait_for(all_final, timeout)

    # -- what Discord shows ------------------------------------------------------------------------------
    def bot_messages(self, channel: Channel) -> list[Message]:
        """The bot's live (not deleted) public messages in a channel."""
        return [
            m
            for m in self.emu.messages.get(channel.id, [])
            if m.author.id == self.emu.bot_user.id and not m.deleted and not m.ephemeral
        ]

    def job_messages(self) -> dict[int, list[Message]]:
        """Job id → every live bot message showing that job (footer "Job #<id> · <state>"), all channels."""
        shown: dict[int, list[Message]] = defaultdict(list)
        for place in self.places:
            for message in self.bot_messages(place.channel):
                job_id = shown_job_id(message)
                if job_id is not None:
                    shown[job_id].append(message)
        return shown

    async def assert_delivered_once(self, interactions: Iterable[Interaction], timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Each interaction's job ends as one live message (its response) showing the result, recorded as
        delivered with every artifact's upload in the database."""
        interactions = list(interactions)
        await self.wait_all_final(interactions, timeout)
        ids = {shown_job_id(self.emu.original_response(i)) for i in interactions}
        assert None not in ids, "every request shows a job"
        assert len(ids) == len(interactions), "one job per request"
        rows = await self.wait_for_rows(
            lambda rows: all(r.delivery_state == "delivered" for r in rows if r.id in ids), timeout
        )
        shown = self.job_messages()
        for interaction in interactions:
            message = self.emu.original_response(interaction)
            job_id = shown_job_id(message)
            assert shown[job_id] == [message], f"job {job_id} is shown by {len(shown[job_id])} messages"
            assert job_state(message) == "done", f"job {job_id}: {job_state(message)}"
            assert message.attachments, f"job {job_id}: no result files"
        artifacts = await self.artifact_rows()
        for row in rows:
            if row.id in ids:
                recorded = [a for a in artifacts if a.job_id == row.id]
                assert recorded
                assert all(a.discord_message_id == row.response_message_id for a in recorded)

    # -- the database ------------------------------------------------------------------------------------
    async def job_rows(self) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(select(Job.__table__).order_by(Job.id))).all())

    async def artifact_rows(self) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(select(Artifact.__table__).order_by(Artifact.id))).all())

    async def wait_for_rows(
        self,
        predicate: Callable[[list[Any]], bool],
        timeout: float = 30.0,  # noqa: ASYNC109
    ) -> list[Any]:
        """Polls the jobs table (the bot sends no events to the test) until predicate(rows) holds."""
        deadline = time.monotonic() + timeout
        while True:
            rows = await self.job_rows()
            if predicate(rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"jobs never got there: {[(r.id, r.status, r.delivery_state) for r in rows]}"
                )
            await _pause()

    # -- the log -----------------------------------------------------------------------------------------
    def assert_no_secrets_in_log(self) -> None:
        text = self.bot.log_text()
        assert text, "the bot wrote no log at all"
        leaked = [name for name, value in self.secrets.items() if value in text]
        assert not leaked, f"{leaked} appear in the bot's log ({self.bot.log_path})"


def shown_job_id(message: Message) -> int | None:
    state = job_state(message)
    if state is None:
        return None
    for text in footers(message):
        if text.startswith("Job #"):
            return int(text.removeprefix("Job #").split(" ", 1)[0])
    return None


async def _pause() -> None:
    await asyncio.sleep(0.1)


def bot_environment(
    emu: DiscordEmulator, fake: FakeComfyUI, database_url: str, data_dir: Path
) -> dict[str, str]:
    with_password = make_url(database_url).set(password=DATABASE_PASSWORD)
    return {
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_URL": emu.http_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "DATABASE_URL": with_password.render_as_string(hide_password=False),
        "COMFYUI_URLS": fake.url,
        "DATA_DIR": str(data_dir),
        "WORKER_ID": "faults-worker",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "console",
        "JOB_TIMEOUT_S": "120",
    }


@contextlib.asynccontextmanager
async def running_world(
    database_url: str,
    tmp_path: Path,
    *,
    fake_config: FakeConfig | None = None,
    env: dict[str, str] | None = None,
    customize: Callable[[DiscordEmulator, list[Place]], None] | None = None,
    policies: dict[int, dict[str, Any]] | None = None,
    comfyui_down_at_start: bool = False,
) -> AsyncIterator[FaultWorld]:
    """Starts everything (see the module docstring) and stops it after; `env` overrides the bot's settings,
    `policies` maps a place's index to GuildPolicy changes written before the bot starts; with
    `comfyui_down_at_start` the fake ComfyUI is stopped before the bot starts (`world.fake.restart()`)."""
    output_dir = tmp_path / "comfy-output"
    output_dir.mkdir(exist_ok=True)
    async with DiscordEmulator() as emu:
        fake = FakeComfyUI(fake_config or FakeConfig(**vars(FAST_FAKE)), output_dir=output_dir)
        await fake.start()
        engine = create_engine(database_url)
        try:
            places = []
            for g in range(GUILDS):
                guild = emu.add_guild(name=f"Guild {g}")
                places.append(
                    Place(
                        guild=guild,
                        channel=emu.add_channel(guild, "gallery"),
                        users=[emu.add_member(guild, name=f"user{g}-{u}") for u in range(USERS_PER_GUILD)],
                        mod=emu.add_member(guild, name=f"mod{g}", permissions=MANAGE_MESSAGES),
                    )
                )
            if customize is not None:
                customize(emu, places)
            data_dir = tmp_path / "data"
            settings = bot_environment(emu, fake, database_url, data_dir)
            settings["DEV_GUILD_ID"] = str(places[0].guild.id)
            settings.update(env or {})
            bot = BotProcess(settings, tmp_path)
            world = FaultWorld(emu=emu, fake=fake, bot=bot, engine=engine, places=places, data_dir=data_dir)
            for index, changes in (policies or {}).items():
                async with create_sessionmaker(engine).begin() as session:
                    await GuildPolicyRepository(session).update(places[index].guild.id, changes)
            if comfyui_down_at_start:
                await fake.kill()
            try:
                await bot.start()
                yield world
            finally:
                exit_code = await bot.stop()
            world.assert_no_secrets_in_log()
            assert "Traceback" not in bot.log_text(), (
                f"the bot logged an unhandled exception ({bot.log_path})"
            )
            assert exit_code in (0, 130), f"Ctrl-C ended the bot with {exit_code} ({bot.log_path})"
        finally:
            await engine.dispose()
            await fake.stop()
