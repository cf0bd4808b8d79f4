"""File Upload components in modals: validated as Discord does, and submitted with resolved attachments."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.modal_answers import NotSubmittable

from .conftest import Server


class UploadModal(discord.ui.Modal, title="Send a file"):
    note: discord.ui.TextInput[UploadModal] = discord.ui.TextInput(
        label="Note", custom_id="note", required=False
    )
    upload: discord.ui.Label[UploadModal] = discord.ui.Label(
        text="Your file", component=discord.ui.FileUpload(custom_id="file", required=False, max_values=2)
    )

    def __init__(self, received: asyncio.Queue[list[bytes]]) -> None:
        super().__init__(custom_id="upload-modal")
        self.received = received

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.upload.component, discord.ui.FileUpload)
        await self.received.put([await a.read() for a in self.upload.component.values])
        await interaction.response.send_message("got it", ephemeral=True)


def _bot(modal: discord.ui.Modal | None, received: asyncio.Queue[list[bytes]]) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @bot.tree.command(name="send", description="Send a file")
    async def send(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(modal or UploadModal(received))

    return bot


async def test_uploaded_files_arrive_as_resolved_attachments(
    emulator: DiscordEmulator, server: Server
) -> None:
    received: asyncio.Queue[list[bytes]] = asyncio.Queue()
    async with running_client(emulator, _bot(None, received)):
        shown = await emulator.send_slash_command(server.guild, server.channel, server.alice, "send")
        await emulator.wait_for(lambda: shown.modal is not None)
        files = {"file": [("a.txt", b"first", "text/plain"), ("b.txt", b"second", "text/plain")]}
        submitted = await emulator.submit_modal(
            "upload-modal", {"note": "hi"}, server.alice, server.channel, files
        )
        contents = await asyncio.wait_for(received.get(), 5)
        await emulator.wait_for(lambda: submitted.responded)
        with pytest.raises(NotSubmittable):  # max_values=2
            await emulator.submit_modal(
                "upload-modal", {}, server.alice, server.channel, {"file": files["file"] * 2}
            )

    [label] = [c for c in (shown.modal or {})["components"] if c["type"] == 18]
    assert label["component"]["type"] == 19
    assert contents == [b"first", b"second"]
    ids = submitted.payload["data"]["components"][1]["component"]["values"]
    assert set(submitted.payload["data"]["resolved"]["attachments"]) == set(ids)


@pytest.mark.parametrize(
    "upload",
    [
        discord.ui.FileUpload(custom_id="f", required=True, min_values=0),  # min 0 only when not required
        discord.ui.FileUpload(custom_id="f", max_values=11),
    ],
)
async def test_an_invalid_file_upload_is_refused(
    emulator: DiscordEmulator, server: Server, upload: discord.ui.FileUpload[discord.ui.Modal]
) -> None:
    modal = discord.ui.Modal(title="Bad", custom_id="bad")
    modal.add_item(discord.ui.Label(text="File", component=upload))
    failures: asyncio.Queue[BaseException] = asyncio.Queue()
    bot = _bot(modal, asyncio.Queue())

    @bot.tree.error
    async def on_error(interaction: discord.Interaction, error: discord.app_commands.AppCommandError) -> None:
        await failures.put(error.__cause__ or error)

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "send")
        failure = await asyncio.wait_for(failures.get(), 5)

    assert isinstance(failure, discord.HTTPException)
    assert (failure.status, failure.code) == (400, 50035)


async def test_a_file_upload_outside_a_label_is_refused(emulator: DiscordEmulator, server: Server) -> None:
    modal = discord.ui.Modal(title="Bad", custom_id="bad")
    modal.add_item(discord.ui.FileUpload(custom_id="f"))
    failures: asyncio.Queue[BaseException] = asyncio.Queue()
    bot = _bot(modal, asyncio.Queue())

    @bot.tree.error
    async def on_error(interaction: discord.Interaction, error: discord.app_commands.AppCommandError) -> None:
        await failures.put(error.__cause__ or error)

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "send")
        failure = await asyncio.wait_for(failures.get(), 5)

    assert isinstance(failure, discord.HTTPException)
    assert "data.components.0" in str(failure.text)
