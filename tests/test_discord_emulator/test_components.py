"""Buttons, selects and modals: the emulator's component and modal interactions drive discord.py views."""

from __future__ import annotations

import asyncio

import discord
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


class CancelView(discord.ui.View):
    """A persistent view: it has no timeout and fixed custom_ids, so it survives restarts."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Cancel", custom_id="job:cancel", style=discord.ButtonStyle.danger)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[CancelView]) -> None:
        await interaction.response.edit_message(content="Cancelled", view=None)


class StyleView(discord.ui.View):
    @discord.ui.select(custom_id="style", options=[discord.SelectOption(label=s) for s in ("anime", "photo")])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[StyleView]) -> None:
        await interaction.response.send_message(f"style={select.values[0]}", ephemeral=True)


class PromptModal(discord.ui.Modal, title="New prompt"):
    prompt: discord.ui.TextInput[PromptModal] = discord.ui.TextInput(label="Prompt", custom_id="prompt")

    def __init__(self, received: asyncio.Queue[str]) -> None:
        super().__init__(custom_id="prompt-modal")
        self.received = received

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.received.put(self.prompt.value)
        await interaction.response.send_message(f"Queued {self.prompt.value}")


class ViewsBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.edits: asyncio.Queue[discord.RawMessageUpdateEvent] = asyncio.Queue()
        self.prompts: asyncio.Queue[str] = asyncio.Queue()

        @self.tree.command(name="edit", description="Edit the prompt")
        async def edit(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(PromptModal(self.prompts))

    async def setup_hook(self) -> None:
        self.add_view(CancelView())

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.edits.put(payload)


async def test_button_on_persistent_view_edits_the_message(emulator: DiscordEmulator, server: Server) -> None:
    bot = ViewsBot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Job #1 queued", view=CancelView())
        message = emulator.message(sent.id)
        assert message.components[0]["components"][0]["custom_id"] == "job:cancel"

        interaction = await emulator.click_button(message, "job:cancel", server.alice)
        await emulator.wait_for(lambda: interaction.responded)
        echoed = await asyncio.wait_for(bot.edits.get(), 5)

    assert interaction.response_type == 7
    assert interaction.response_message_id == message.id
    assert [r.content for r in message.revisions] == ["Job #1 queued", "Cancelled"]
    assert message.components == []
    assert echoed.message_id == message.id
    assert echoed.data["content"] == "Cancelled"


async def test_select_option_reaches_the_select_callback(emulator: DiscordEmulator, server: Server) -> None:
    bot = ViewsBot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Pick a style", view=StyleView())
        interaction = await emulator.select_option(sent.id, "style", ["photo"], server.alice)
        await emulator.wait_for(lambda: interaction.responded)

    reply = emulator.message(interaction.response_message_id or 0)
    assert reply.content == "style=photo"
    assert reply.ephemeral


async def test_modal_is_shown_then_submitted(emulator: DiscordEmulator, server: Server) -> None:
    bot = ViewsBot()
    async with running_client(emulator, bot):
        command = await emulator.send_slash_command(server.guild, server.channel, server.alice, "edit")
        modal = await emulator.wait_for(lambda: command.modal)
        assert modal["custom_id"] == "prompt-modal"
        assert modal["title"] == "New prompt"

        submitted = await emulator.submit_modal(
            "prompt-modal", {"prompt": "a dog"}, server.alice, server.channel
        )
        prompt = await asyncio.wait_for(bot.prompts.get(), 5)
        await emulator.wait_for(lambda: submitted.responded)

    assert command.response_type == 9
    assert prompt == "a dog"
    assert emulator.message(submitted.response_message_id or 0).content == "Queued a dog"


class ProgressView(discord.ui.View):
    def __init__(self, done: asyncio.Event) -> None:
        super().__init__(timeout=None)
        self.done = done

    @discord.ui.button(label="Retry", custom_id="job:retry")
    async def retry(self, interaction: discord.Interaction, button: discord.ui.Button[ProgressView]) -> None:
        await interaction.response.defer()  # type 6: acknowledge, edit later
        await interaction.edit_original_response(content="Retrying…", view=None)
        note = await interaction.followup.send("Retry queued", wait=True, ephemeral=True)
        await note.edit(content="Retry started")
        fetched = await interaction.followup.fetch_message(note.id)
        assert fetched.content == "Retry started"
        await note.delete()
        self.done.set()


async def test_deferred_update_then_edits_through_the_webhook(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = ViewsBot()
    done = asyncio.Event()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Job #2 failed", view=ProgressView(done))
        interaction = await emulator.click_button(sent.id, "job:retry", server.alice)
        await asyncio.wait_for(done.wait(), 5)

    assert interaction.response_type == 6
    assert interaction.deferred
    job_message = emulator.message(sent.id)
    assert [r.content for r in job_message.revisions] == ["Job #2 failed", "Retrying…"]
    assert job_message.components == []
    (note_id,) = interaction.followup_message_ids
    note = emulator.message(note_id)
    assert note.ephemeral
    assert note.deleted
    assert [r.content for r in note.revisions] == ["Retry queued", "Retry started"]


class ChainedModal(discord.ui.Modal, title="Chained"):
    text: discord.ui.TextInput[ChainedModal] = discord.ui.TextInput(label="Text", custom_id="text")

    def __init__(self, outcome: asyncio.Queue[str]) -> None:
        super().__init__(custom_id="chained")
        self.outcome = outcome

    async def on_submit(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_modal(ChainedModal(self.outcome))
        except discord.HTTPException as error:
            await self.outcome.put(f"{error.status}/{error.code}")


async def test_modals_outside_discords_limits_are_refused(emulator: DiscordEmulator, server: Server) -> None:
    bot = ViewsBot()
    outcomes: asyncio.Queue[str] = asyncio.Queue()

    @bot.tree.command(name="prefilled", description="A form with too much pre-filled text")
    async def prefilled(interaction: discord.Interaction) -> None:
        modal = ChainedModal(outcomes)
        modal.text.default = "x" * 4001
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as error:
            await outcomes.put(f"{error.status}/{error.code}")

    @bot.tree.command(name="chained", description="A form answered by a form")
    async def chained(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ChainedModal(outcomes))

    async with running_client(emulator, bot):
        too_long = await emulator.send_slash_command(server.guild, server.channel, server.alice, "prefilled")
        assert await asyncio.wait_for(outcomes.get(), 5) == "400/50035"
        assert not too_long.acked

        command = await emulator.send_slash_command(server.guild, server.channel, server.alice, "chained")
        await emulator.wait_for(lambda: command.modal)
        await emulator.submit_modal("chained", {"text": "hi"}, server.alice, server.channel)
        assert await asyncio.wait_for(outcomes.get(), 5) == "400/50035", "a form cannot answer a form"
