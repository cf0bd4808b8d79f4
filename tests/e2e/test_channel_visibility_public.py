"""What the bot posts for a channel to read (/history public:true, /show) is what everyone who reads that
channel may see, whoever asks: a job made in a channel hidden from some of them is not posted there, even
by a member (or an Administrator) who can read it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import discord

from tests.discord_emulator import Channel, Guild
from tests.discord_emulator.emulator import DiscordEmulator
from tests.discord_emulator.layout import texts
from tests.discord_emulator.models import Overwrite
from tests.e2e.test_channel_visibility import Staff, history_ids, listed_ids, made_in, staff_room
from tests.e2e.test_history_support import answer, browsing_world, imagined

READ_HISTORY = discord.Permissions(read_message_history=True).value


def open_and_closed_rooms(rooms: dict[str, Channel]) -> Callable[[DiscordEmulator, Guild], None]:
    """ "art", open to every member; "lounge", which @everyone reads but a "muted" role's overwrite closes
    to its members; and a public thread of the gallery."""

    def customize(emu: DiscordEmulator, guild: Guild) -> None:
        rooms["art"] = emu.add_channel(guild, "art")
        rooms["lounge"] = emu.add_channel(guild, "lounge")
        muted = emu.add_role(guild, "muted")
        rooms["lounge"].overwrites = [Overwrite(muted.id, 0, deny=READ_HISTORY)]
        gallery = next(c for c in guild.channels.values() if c.name == "gallery")
        alice = next(m for m in guild.members.values() if m.user.username == "alice")
        rooms["thread"] = emu.add_thread(gallery, alice, "chat")

    return customize


async def test_a_public_history_leaves_out_jobs_made_where_the_channels_readers_cannot_read(
    database_url: str, tmp_path: Path
) -> None:
    places: list[Staff] = []
    async with browsing_world(database_url, tmp_path, customize=staff_room(places)) as world:
        staff = places[0]
        secret = await made_in(world, staff.channel, world.alice, "the staff party plans")
        in_thread = await made_in(world, staff.thread, world.alice, "the thread's plans")
        open_one = await imagined(world, world.alice, "a public fox")

        alice_posts = await history_ids(world, world.alice, public=True)
        admin_posts = await history_ids(world, staff.admin, public=True)
        in_staff = await world.slash("history", {"public": True}, member=world.alice, channel=staff.channel)
        alice_posts_in_staff = listed_ids(texts(await answer(world, in_staff))[0])
        alice_sees = await history_ids(world, world.alice)

    assert alice_sees == [open_one.id, in_thread.id, secret.id], "privately, alice sees what she can read"
    assert alice_posts == [open_one.id], "the channel's readers cannot read the staff channel"
    assert admin_posts == [open_one.id], "an Administrator's public listing is the channel's too"
    assert alice_posts_in_staff == [open_one.id, in_thread.id, secret.id], "the staff read their own channel"


async def test_show_of_a_job_made_where_the_channels_readers_cannot_read_answers_privately(
    database_url: str, tmp_path: Path
) -> None:
    places: list[Staff] = []
    async with browsing_world(database_url, tmp_path, customize=staff_room(places)) as world:
        staff = places[0]
        secret = await made_in(world, staff.channel, world.alice, "the staff party plans")
        open_one = await imagined(world, world.alice, "a public fox")
        shown_here = await answer(world, await world.slash("show", {"job": secret.id}, member=world.alice))
        by_admin = await answer(world, await world.slash("show", {"job": secret.id}, member=staff.admin))
        in_staff = await answer(
            world, await world.slash("show", {"job": secret.id}, member=world.alice, channel=staff.channel)
        )
        open_shown = await answer(world, await world.slash("show", {"job": open_one.id}, member=world.alice))

    for private in (shown_here, by_admin):
        assert private.ephemeral, "the staff's job is shown to the asker alone"
        assert private.attachments, "the asker may see it"
    assert not in_staff.ephemeral, "posted where it was made"
    assert in_staff.attachments
    assert not open_shown.ephemeral
    assert open_shown.attachments


async def test_a_public_history_lists_jobs_made_in_channels_every_member_reads(
    database_url: str, tmp_path: Path
) -> None:
    rooms: dict[str, Channel] = {}
    async with browsing_world(database_url, tmp_path, customize=open_and_closed_rooms(rooms)) as world:
        in_art = await made_in(world, rooms["art"], world.alice, "an open fox")
        in_lounge = await made_in(world, rooms["lounge"], world.alice, "a lounge fox")
        in_gallery = await imagined(world, world.alice, "a gallery fox")
        in_thread = await made_in(world, rooms["thread"], world.alice, "a thread fox")

        in_general = await history_ids(world, world.bob, public=True)
        asked_in_thread = await world.slash(
            "history", {"public": True}, member=world.bob, channel=rooms["thread"]
        )
        in_the_thread = listed_ids(texts(await answer(world, asked_in_thread))[0])
        bob_sees = await history_ids(world, world.bob)

    everything = [in_thread.id, in_gallery.id, in_lounge.id, in_art.id]
    assert bob_sees == everything, "bob reads every room"
    assert in_general == [in_thread.id, in_gallery.id, in_art.id], "some members cannot read the lounge"
    assert in_the_thread == [in_thread.id, in_gallery.id, in_art.id], "a thread's readers read its channel"
