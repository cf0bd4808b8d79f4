"""Channel permissions and message limits are enforced the way Discord enforces them."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


def make_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


async def test_bot_denied_attach_files_gets_missing_permissions(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = make_bot()
    async with running_client(emulator, bot):
        updated = asyncio.ensure_future(bot.wait_for("guild_channel_update", timeout=5))
        await emulator.set_channel_permissions(
            server.channel,
            emulator.bot_member(server.guild),
            deny=discord.Permissions(attach_files=True).value,
        )
        _, channel = await updated
        assert isinstance(channel, discord.TextChannel)
        assert not channel.permissions_for(channel.guild.me).attach_files  # CHANNEL_UPDATE reached the bot
        await channel.send("text is fine")
        with pytest.raises(discord.Forbidden) as caught:
            await channel.send(file=discord.File(io.BytesIO(b"png"), "a.png"))

    assert caught.value.code == 50013
    assert [m.content for m in emulator.messages[server.channel.id]] == ["text is fine"]


async def test_interaction_permissions_reflect_channel_overwrites(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = make_bot()
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    @bot.tree.command(name="perm", description="Check permissions")
    async def perm(interaction: discord.Interaction) -> None:
        await seen.put(interaction)
        await interaction.response.send_message("ok")

    muted = emulator.add_role(server.guild, "muted")
    server.alice.roles.append(muted.id)
    await emulator.set_channel_permissions(
        server.channel, muted, deny=discord.Permissions(send_messages=True, attach_files=True).value
    )
    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "perm")
        interaction = await asyncio.wait_for(seen.get(), 5)

    assert not interaction.permissions.send_messages
    assert interaction.permissions.view_channel
    assert interaction.app_permissions.attach_files


async def test_too_long_content_is_an_invalid_form_body(emulator: DiscordEmulator, server: Server) -> None:
    bot = make_bot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send("x" * 2001)

    assert (caught.value.status, caught.value.code) == (400, 50035)
    assert "2000 or fewer" in caught.value.text
    assert emulator.messages[server.channel.id] == []
