"""What media inputs need from Discord: attachment options, files on users' messages and their CDN
downloads, fetching a linked message as Discord allows it, and a member's permissions in a channel."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.models import READ_MESSAGE_HISTORY, VIEW_CHANNEL

from .conftest import Server

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def new_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


async def test_an_attachment_option_resolves_to_a_file_the_bot_downloads(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = new_bot()
    seen: list[tuple[str, int, str | None, bytes]] = []

    @bot.tree.command(name="upscale", description="Upscale a picture")
    async def upscale(interaction: discord.Interaction, image: discord.Attachment) -> None:
        seen.append((image.filename, image.size, image.content_type, await image.read()))
        await interaction.response.send_message("ok")

    async with running_client(emulator, bot):
        await bot.tree.sync()
        interaction = await emulator.send_slash_command(
            server.guild,
            server.channel,
            server.alice,
            "upscale",
            attachments={"image": ("cat.png", PNG, "image/png")},
        )
        await emulator.wait_for(lambda: interaction.responded)
        with pytest.raises(ValueError, match="not an attachment option"):
            await emulator.send_slash_command(
                server.guild,
                server.channel,
                server.alice,
                "upscale",
                attachments={"other": ("cat.png", PNG, "image/png")},
            )

    assert seen == [("cat.png", len(PNG), "image/png", PNG)]
    (option,) = emulator.calls_matching("PUT", r"/commands$")[0].json[0]["options"]
    assert option["type"] == 11


async def test_a_users_files_are_seen_only_with_the_message_content_intent_or_a_mention(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = new_bot()
    async with running_client(emulator, bot):
        plain = await emulator.send_message(
            server.channel, server.alice, "look", attachments=[("a.png", PNG, "image/png")]
        )
        mention = f"<@{emulator.bot_user.id}> this one"
        mentioned = await emulator.send_message(
            server.channel, server.alice, mention, attachments=[("b.png", PNG, "image/png")]
        )
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        hidden = await channel.fetch_message(plain.id)
        shown = await channel.fetch_message(mentioned.id)
        emulator.world.application_flags |= 1 << 19  # GATEWAY_MESSAGE_CONTENT_LIMITED
        granted = await channel.fetch_message(plain.id)
        downloaded = await granted.attachments[0].read()

    assert (hidden.content, hidden.attachments) == ("", [])
    assert [a.filename for a in shown.attachments] == ["b.png"]
    assert shown.attachments[0].size == len(PNG)
    assert granted.content == "look"
    assert downloaded == PNG


async def test_fetching_a_message_needs_view_channel_and_read_message_history(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = new_bot()
    async with running_client(emulator, bot):
        posted = await emulator.send_message(server.channel, server.alice, "hello")
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        me = emulator.bot_member(server.guild)
        await emulator.set_channel_permissions(server.channel, me, deny=READ_MESSAGE_HISTORY)
        with pytest.raises(discord.Forbidden) as no_history:
            await channel.fetch_message(posted.id)
        with pytest.raises(discord.Forbidden):
            await channel.history(limit=1).__anext__()
        await emulator.set_channel_permissions(server.channel, me, deny=VIEW_CHANNEL)
        with pytest.raises(discord.Forbidden) as no_view:
            await channel.fetch_message(posted.id)

    assert (no_history.value.code, no_view.value.code) == (50013, 50001)


async def test_a_members_permissions_in_a_channel_follow_its_overwrites(
    emulator: DiscordEmulator, server: Server
) -> None:
    staff = emulator.add_role(server.guild, "staff")
    secret = emulator.add_channel(server.guild, "staff-only")
    mod = emulator.add_member(server.guild, name="mod", roles=[staff])
    bot = new_bot()
    views: dict[str, bool] = {}

    @bot.tree.command(name="peek", description="Can I see the staff channel?")
    async def peek(interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        assert isinstance(interaction.user, discord.Member)
        target = interaction.guild.get_channel(secret.id)
        assert isinstance(target, discord.TextChannel)
        views[interaction.user.name] = target.permissions_for(interaction.user).read_message_history
        await interaction.response.send_message("ok", ephemeral=True)

    async with running_client(emulator, bot):
        await bot.tree.sync()
        await emulator.set_channel_permissions(secret, server.guild.everyone, deny=VIEW_CHANNEL)
        await emulator.set_channel_permissions(secret, staff, allow=VIEW_CHANNEL)
        for who in (server.alice, mod):
            interaction = await emulator.send_slash_command(server.guild, server.channel, who, "peek")
            await emulator.wait_for(lambda i=interaction: i.responded)

    assert views == {"alice": False, "mod": True}
    assert server.guild.permissions_in(secret, server.alice) & VIEW_CHANNEL == 0


async def test_the_cdn_stops_sending_when_the_reader_hangs_up(
    emulator: DiscordEmulator, server: Server
) -> None:
    big = emulator.world.store_attachment("big.bin", b"\1" * (8 * 1024 * 1024), "application/octet-stream")
    async with aiohttp.ClientSession() as http, http.get(big.url) as response:
        assert response.content_length == big.size
        await response.content.readexactly(64 * 1024)
        response.close()
    await emulator.wait_for(lambda: big.id in emulator.cdn_bytes_sent)

    assert emulator.cdn_bytes_sent[big.id] < big.size
    async with aiohttp.ClientSession() as http, http.get(big.url) as response:
        assert len(await response.read()) == big.size
    assert emulator.cdn_bytes_sent[big.id] == big.size
