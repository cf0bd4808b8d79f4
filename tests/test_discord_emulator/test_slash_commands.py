"""Slash commands reach discord.py handlers, and what the handlers do lands in the emulator."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


class ImagineBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.downloaded: bytes | None = None
        self.handler_done = asyncio.Event()

        @self.tree.command(name="imagine", description="Make a picture")
        @app_commands.describe(prompt="what to draw")
        async def imagine(interaction: discord.Interaction, prompt: str, image: discord.Attachment) -> None:
            await interaction.response.defer(thinking=True)
            self.downloaded = await image.read()
            await interaction.edit_original_response(content=f"Queued: {prompt}")
            await interaction.edit_original_response(content=f"Drawing: {prompt} (50%)")
            await interaction.followup.send("Done!", file=discord.File(io.BytesIO(b"PNG-out"), "out.png"))
            self.handler_done.set()


async def test_slash_command_with_attachment_defers_edits_and_sends_a_followup_file(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = ImagineBot()
    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(
            server.guild,
            server.channel,
            server.alice,
            "imagine",
            {"prompt": "a cat"},
            attachments={"image": ("in.png", b"PNG-in", "image/png")},
        )
        await asyncio.wait_for(bot.handler_done.wait(), 5)

    assert bot.downloaded == b"PNG-in"
    assert interaction.response_type == 5
    assert interaction.deferred

    original = emulator.original_response(interaction)
    assert [r.content for r in original.revisions] == ["", "Queued: a cat", "Drawing: a cat (50%)"]
    assert original.revisions[0].flags & 128  # the "thinking…" state
    assert original.flags == 0
    assert original.interaction_id == interaction.id

    (followup,) = emulator.followups(interaction)
    assert followup.content == "Done!"
    assert [(a.filename, a.data) for a in followup.attachments] == [("out.png", b"PNG-out")]
    assert emulator.messages[server.channel.id] == [original, followup]

    callback = emulator.calls_matching("POST", r"^/interactions/\d+/[^/]+/callback$")[0]
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == 5
    edits = emulator.calls_matching("PATCH", r"/messages/@original$")
    assert [c.json["content"] for c in edits] == ["Queued: a cat", "Drawing: a cat (50%)"]
    (post,) = emulator.calls_matching("POST", rf"^/webhooks/{emulator.application_id}/[^/]+$")
    assert post.files[0].filename == "out.png"
    assert post.query["wait"] == "1"
    assert emulator.cdn_downloads == [int(interaction.payload["data"]["options"][1]["value"])]
    assert not emulator.unknown_routes


async def test_synced_guild_command_is_found_through_data_guild_id(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    called = asyncio.Event()

    @bot.tree.command(name="ping", description="Pong", guild=discord.Object(server.guild.id))
    async def ping(interaction: discord.Interaction, times: int) -> None:
        await interaction.response.send_message("pong " * times, ephemeral=True)
        called.set()

    async with running_client(emulator, bot):
        synced = await bot.tree.sync(guild=discord.Object(server.guild.id))
        assert [c.name for c in synced] == ["ping"]
        assert synced[0].id == emulator.world.guild_commands[server.guild.id]["ping"].id

        interaction = await emulator.send_slash_command(
            server.guild, server.channel, server.alice, "ping", {"times": 2}
        )
        await asyncio.wait_for(called.wait(), 5)
        await emulator.wait_for(lambda: interaction.responded)

    assert interaction.payload["data"]["guild_id"] == str(server.guild.id)
    assert interaction.payload["data"]["options"] == [{"name": "times", "type": 4, "value": 2}]
    reply = emulator.message(interaction.response_message_id or 0)
    assert reply.content == "pong pong "
    assert reply.ephemeral
    assert interaction.ephemeral


async def test_global_command_sync_is_stored_with_ids(emulator: DiscordEmulator, server: Server) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @bot.tree.command(name="queue", description="Show the queue")
    async def queue(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("empty")

    async with running_client(emulator, bot):
        synced = await bot.tree.sync()
        fetched = await bot.tree.fetch_commands()

    assert [c.name for c in synced] == ["queue"]
    assert [c.id for c in fetched] == [synced[0].id]
    assert emulator.world.global_commands["queue"].payload["description"] == "Show the queue"


async def test_autocomplete_choices_are_recorded(emulator: DiscordEmulator, server: Server) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    async def styles(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["anime", "analog film", "watercolour"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @bot.tree.command(name="style", description="Pick a style")
    @app_commands.autocomplete(name=styles)
    async def style(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    async with running_client(emulator, bot):
        await bot.tree.sync()
        interaction = await emulator.send_autocomplete(
            server.guild, server.channel, server.alice, "style", {"name": "an"}, focused="name"
        )
        choices = await emulator.wait_for(lambda: interaction.autocomplete_choices)

    assert [c["value"] for c in choices] == ["anime", "analog film"]
    assert interaction.response_type == 8


async def test_subcommand_with_member_and_channel_options_is_resolved(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    seen: asyncio.Queue[tuple[discord.Member, discord.abc.GuildChannel, bool]] = asyncio.Queue()
    queue = app_commands.Group(name="queue", description="The queue")

    @queue.command(name="move", description="Move someone's jobs")
    async def move(
        interaction: discord.Interaction, who: discord.Member, to: discord.TextChannel, urgent: bool
    ) -> None:
        await seen.put((who, to, urgent))
        await interaction.response.send_message("moved")

    bot.tree.add_command(queue)
    other = emulator.add_channel(server.guild, "renders")
    async with running_client(emulator, bot):
        await bot.tree.sync()
        await emulator.send_slash_command(
            server.guild,
            server.channel,
            server.alice,
            "queue",
            {"who": server.alice, "to": other, "urgent": True},
            subcommand="move",
        )
        who, to, urgent = await asyncio.wait_for(seen.get(), 5)

    assert isinstance(who, discord.Member)
    assert who.id == server.alice.id
    assert who.name == "alice"
    assert to.id == other.id
    assert urgent is True


async def test_slash_command_in_a_dm_has_a_user_not_a_member(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    @bot.tree.command(name="status", description="Bot status")
    async def status(interaction: discord.Interaction) -> None:
        await seen.put(interaction)
        await interaction.response.send_message("all good")

    dm = emulator.dm_channel(server.alice)
    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(None, dm, server.alice.user, "status")
        received = await asyncio.wait_for(seen.get(), 5)
        await emulator.wait_for(lambda: interaction.responded)

    assert received.guild_id is None
    assert isinstance(received.user, discord.User)
    assert received.user.id == server.alice.id
    assert emulator.message(interaction.response_message_id or 0).channel_id == dm.id


async def test_autocomplete_answers_outside_discords_limits_are_refused(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    outcomes: asyncio.Queue[str] = asyncio.Queue()
    answers = {
        "many": [app_commands.Choice(name=f"m{i}", value=f"m{i}") for i in range(26)],
        "long-name": [app_commands.Choice(name="n" * 101, value="n")],
        "long-value": [app_commands.Choice(name="v", value="v" * 101)],
        "fine": [app_commands.Choice(name=f"f{i}", value="f" * 100) for i in range(25)],
    }

    async def choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            await interaction.response.autocomplete(answers[current])
        except discord.HTTPException as error:
            await outcomes.put(f"{error.status}/{error.code}")
            raise
        await outcomes.put("accepted")
        return []

    @bot.tree.command(name="pick", description="Pick one")
    @app_commands.autocomplete(name=choices)
    async def pick(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    async with running_client(emulator, bot):
        await bot.tree.sync()
        for typed, outcome in (
            ("many", "400/50035"),
            ("long-name", "400/50035"),
            ("long-value", "400/50035"),
        ):
            await emulator.send_autocomplete(
                server.guild, server.channel, server.alice, "pick", {"name": typed}, focused="name"
            )
            assert await asyncio.wait_for(outcomes.get(), 5) == outcome, typed
        fine = await emulator.send_autocomplete(
            server.guild, server.channel, server.alice, "pick", {"name": "fine"}, focused="name"
        )
        assert await asyncio.wait_for(outcomes.get(), 5) == "accepted"
        assert len(await emulator.wait_for(lambda: fine.autocomplete_choices)) == 25
