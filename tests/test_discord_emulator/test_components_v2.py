"""Components V2 messages (flag IS_COMPONENTS_V2): accepted and stored as Discord stores them, and refused
with 400 / 50035 where Discord refuses them (tests/discord_emulator/rest/components_v2.py cites the rules)."""

from __future__ import annotations

import io
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.layout import buttons, files, gallery_items, is_spoiler, is_v2, texts

from .conftest import Server

V2 = 1 << 15


def a_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


def png(name: str) -> discord.File:
    return discord.File(io.BytesIO(b"\x89PNG fake " + name.encode()), name)


def result_layout(images: list[str], song: str | None = None) -> discord.ui.LayoutView:
    view = discord.ui.LayoutView()
    parts: list[discord.ui.Item[Any]] = [
        discord.ui.TextDisplay("## Your images are ready\na red fox"),
        discord.ui.MediaGallery(*(discord.MediaGalleryItem(f"attachment://{name}") for name in images)),
    ]
    if song is not None:
        parts.append(discord.ui.File(f"attachment://{song}"))
    parts += [
        discord.ui.Separator(),
        discord.ui.ActionRow(discord.ui.Button(label="Reroll", custom_id="job:reroll:1")),
    ]
    view.add_item(discord.ui.Container(*parts))
    return view


async def raw(emulator: DiscordEmulator, method: str, path: str, payload: dict[str, Any]) -> tuple[int, Any]:
    """A request discord.py would not build (it checks some caps itself); Discord must refuse it anyway."""
    headers = {"Authorization": f"Bot {emulator.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, emulator.http_url + path, json=payload, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


def text(content: str) -> dict[str, Any]:
    return {"type": 10, "content": content}


async def test_a_v2_message_is_stored_with_its_media_resolved(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = a_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        sent = await channel.send(
            view=result_layout(["a.png", "b.png"], song="take.mp3"),
            files=[
                png("a.png"),
                png("b.png"),
                discord.File(io.BytesIO(b"ID3"), "take.mp3"),
                discord.File(io.BytesIO(b"unshown"), "notes.txt"),
            ],
        )

    stored = emulator.message(sent.id)
    assert is_v2(stored)
    assert sent.flags.components_v2
    assert texts(stored) == ["## Your images are ready\na red fox"]
    by_name = {a.filename: a for a in stored.attachments}
    assert [i["media"]["url"] for i in gallery_items(stored)] == [by_name["a.png"].url, by_name["b.png"].url]
    assert gallery_items(stored)[0]["media"]["attachment_id"] == str(by_name["a.png"].id)
    [song] = files(stored)
    assert (song["name"], song["size"]) == ("take.mp3", 3)
    assert [b["custom_id"] for b in buttons(stored)] == ["job:reroll:1"]
    assert len({c["id"] for c in stored.components}) == len(stored.components), "ids given by Discord"
    # The message object lists only "attached files that are not referenced in embeds or components".
    assert [a.filename for a in sent.attachments] == ["notes.txt"]
    assert len(stored.attachments) == 4, "the emulator's record keeps every upload"
    # discord.py reads the stored message back into its own V2 component classes.
    [container] = sent.components
    assert isinstance(container, discord.components.Container)


async def test_an_uploaded_name_is_cleansed_as_discord_does_and_its_reference_still_finds_it(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = a_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        sent = await channel.send(
            view=result_layout(["_Café à la (mer).png"], song="Ocean Eyes (take 1).mp3"),
            files=[png("_Café à la (mer).png"), discord.File(io.BytesIO(b"ID3"), "Ocean Eyes (take 1).mp3")],
        )

    stored = emulator.message(sent.id)
    assert [a.filename for a in stored.attachments] == ["Cafe_a_la_mer.png", "Ocean_Eyes_take_1.mp3"]
    assert gallery_items(stored)[0]["media"]["url"].endswith("/Cafe_a_la_mer.png")
    [song] = files(stored)
    assert song["name"] == "Ocean_Eyes_take_1.mp3"


@pytest.mark.parametrize("legacy", ["content", "embed"])
async def test_content_or_embeds_with_the_flag_are_refused(
    emulator: DiscordEmulator, server: Server, legacy: str
) -> None:
    bot = a_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        extra: dict[str, Any] = (
            {"content": "hi"} if legacy == "content" else {"embed": discord.Embed(title="x")}
        )
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(view=result_layout(["a.png"]), files=[png("a.png")], **extra)

    assert (refused.value.status, refused.value.code) == (400, 50035)
    field = "content" if legacy == "content" else "embeds"
    # discord.py flattens Discord's `errors` into "In <field>: <message>" lines.
    assert f"In {field}: The '{field}' field cannot be used" in refused.value.text
    assert emulator.messages.get(server.channel.id, []) == []


async def test_an_edit_turns_the_flag_on_only_when_it_empties_the_old_content(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = a_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        sent = await channel.send("Queued: a red fox", embed=discord.Embed(title="Queued"))
        with pytest.raises(discord.HTTPException) as refused:
            await sent.edit(view=result_layout(["a.png"]), attachments=[png("a.png")])
        edited = await sent.edit(
            content=None, embed=None, view=result_layout(["a.png"]), attachments=[png("a.png")]
        )

    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert "In content:" in refused.value.text
    assert "In embeds:" in refused.value.text
    stored = emulator.message(sent.id)
    assert [is_v2(r) for r in stored.revisions] == [False, True]
    assert edited.flags.components_v2
    assert (stored.content, stored.embeds) == ("", [])


async def test_the_flag_is_never_removed(emulator: DiscordEmulator, server: Server) -> None:
    bot = a_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        sent = await channel.send(view=result_layout(["a.png"]), files=[png("a.png")])
        path = f"/channels/{server.channel.id}/messages/{sent.id}"
        status, body = await raw(emulator, "PATCH", path, {"flags": 0, "content": "back to text"})
        kept = await sent.edit(attachments=[png("a.png")])  # no flags sent: the message stays V2

    assert (status, body["code"]) == (400, 50035)
    assert body["errors"]["flags"]["_errors"][0]["code"] == "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG"
    assert kept.flags.components_v2
    assert all(is_v2(r) for r in emulator.message(sent.id).revisions)


def container(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 17, "components": list(children)}


def row(*custom_ids: str) -> dict[str, Any]:
    return {
        "type": 1,
        "components": [{"type": 2, "style": 2, "label": c, "custom_id": c} for c in custom_ids],
    }


REFUSED_LAYOUTS: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    # 1 container + 39 text displays = 40 is fine; one more is not (checked below with the fine one).
    "41 components": ([container(*(text(f"line {i}") for i in range(40)))], ["components"]),
    "4001 characters of text": ([text("a" * 2000), container(text("b" * 2001))], ["components"]),
    "11 gallery items": (
        [{"type": 12, "items": [{"media": {"url": f"https://x/{i}.png"}} for i in range(11)]}],
        ["components", "0", "items"],
    ),
    "an empty gallery": ([{"type": 12, "items": []}], ["components", "0", "items"]),
    "a File with a web link": (
        [{"type": 13, "file": {"url": "https://example.com/song.mp3"}}],
        ["components", "0", "file", "url"],
    ),
    "a File of no upload": (
        [{"type": 13, "file": {"url": "attachment://missing.mp3"}}],
        ["components", "0", "file", "url"],
    ),
    "a Thumbnail at the top": ([{"type": 11, "media": {"url": "https://x/t.png"}}], ["components", "0"]),
    "a Section of four texts": (
        [
            {
                "type": 9,
                "components": [text(str(i)) for i in range(4)],
                "accessory": {"type": 11, "media": {"url": "https://x/t.png"}},
            }
        ],
        ["components", "0", "components"],
    ),
    "a Container in a Container": ([container(container(text("x")))], ["components", "0", "components", "0"]),
    "six buttons in a row": (
        [container(row("a", "b", "c", "d", "e", "f"))],
        ["components", "0", "components", "0", "components"],
    ),
    "a custom_id twice": ([container(row("same"), row("same"))], ["components"]),
    "a gallery item's spoiler as a word": (
        [{"type": 12, "items": [{"media": {"url": "https://x/1.png"}, "spoiler": "yes"}]}],
        ["components", "0", "items", "0", "spoiler"],
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_LAYOUTS))
async def test_layouts_discord_refuses(emulator: DiscordEmulator, server: Server, case: str) -> None:
    layout, path = REFUSED_LAYOUTS[case]
    status, body = await raw(
        emulator, "POST", f"/channels/{server.channel.id}/messages", {"flags": V2, "components": layout}
    )

    assert (status, body["code"], body["message"]) == (400, 50035, "Invalid Form Body")
    node = body["errors"]
    for part in path:
        node = node[part]
    assert node["_errors"], f"the error names the field: {path}"
    assert emulator.messages.get(server.channel.id, []) == []


async def test_the_caps_themselves_are_accepted(emulator: DiscordEmulator, server: Server) -> None:
    forty = [container(*(text("a" * 100) for _ in range(39)))]  # 40 components, 3,900 characters
    gallery = [{"type": 12, "items": [{"media": {"url": f"https://x/{i}.png"}} for i in range(10)]}]
    async with running_client(emulator, a_bot()):
        path = f"/channels/{server.channel.id}/messages"
        first, _ = await raw(emulator, "POST", path, {"flags": V2, "components": forty})
        second, _ = await raw(emulator, "POST", path, {"flags": V2, "components": gallery})
    assert (first, second) == (200, 200)


async def test_spoilered_media_is_stored_as_sent(emulator: DiscordEmulator, server: Server) -> None:
    view = discord.ui.LayoutView()
    gallery = discord.ui.MediaGallery(discord.MediaGalleryItem("attachment://SPOILER_a.png", spoiler=True))
    view.add_item(discord.ui.Container(gallery, discord.ui.File("attachment://SPOILER_b.mp4", spoiler=True)))
    async with running_client(emulator, a_bot()) as bot:
        channel = bot.get_partial_messageable(server.channel.id)
        sent = await channel.send(
            view=view, files=[png("SPOILER_a.png"), discord.File(io.BytesIO(b"mp4"), "SPOILER_b.mp4")]
        )
    stored = emulator.message(sent.id)
    assert [is_spoiler(item) for item in gallery_items(stored) + files(stored)] == [True, True]
    assert sorted(a.filename for a in stored.attachments) == ["SPOILER_a.png", "SPOILER_b.mp4"]


async def test_v2_components_without_the_flag_are_refused(emulator: DiscordEmulator, server: Server) -> None:
    status, body = await raw(
        emulator, "POST", f"/channels/{server.channel.id}/messages", {"components": [container(text("x"))]}
    )
    assert (status, body["code"]) == (400, 50035)
    assert body["errors"]["components"]["0"]["_errors"][0]["code"] == "UNION_TYPE_CHOICES"


async def test_a_deferred_reply_becomes_v2_by_editing_the_original_response(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = a_bot()
    refused: list[int] = []

    @bot.tree.command(name="imagine", description="Make an image")
    async def imagine(interaction: discord.Interaction) -> None:
        path = f"/interactions/{interaction.id}/{interaction.token}/callback"
        status, _ = await raw(emulator, "POST", path, {"type": 5, "data": {"flags": V2}})
        refused.append(status)
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(view=result_layout(["a.png"]), attachments=[png("a.png")])
        # Later edits send no flags: the original response stays V2.
        await interaction.edit_original_response(attachments=[png("a.png")])

    async with running_client(emulator, bot):
        command = await emulator.send_slash_command(server.guild, server.channel, server.alice, "imagine", {})
        await emulator.wait_for(
            lambda: command.acked and len(emulator.original_response(command).revisions) == 3
        )

    assert refused == [400]
    reply = emulator.original_response(command)
    assert [is_v2(r) for r in reply.revisions] == [False, True, True]
    assert not reply.flags & (1 << 7), "no longer loading"
