"""A job made in a channel deleted since is for its maker and the server's managers only: nobody can tell
any more who could read it, so no other member sees it, and nothing posted for a channel shows it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.discord_emulator import Channel, Guild
from tests.discord_emulator.emulator import DiscordEmulator
from tests.e2e.test_channel_visibility import history_ids, made_in
from tests.e2e.test_history_support import answer, browsing_world, imagined


def old_room(places: dict[str, Channel]) -> Callable[[DiscordEmulator, Guild], None]:
    def customize(emu: DiscordEmulator, guild: Guild) -> None:
        places["old"] = emu.add_channel(guild, "old-room")
        alice = next(m for m in guild.members.values() if m.user.username == "alice")
        places["thread"] = emu.add_thread(places["old"], alice, "old-thread")

    return customize


async def test_a_job_made_in_a_deleted_channel_is_seen_only_by_its_maker_and_managers(
    database_url: str, tmp_path: Path
) -> None:
    places: dict[str, Channel] = {}
    async with browsing_world(database_url, tmp_path, customize=old_room(places)) as world:
        gone = await made_in(world, places["old"], world.alice, "a fox in the old room")
        in_thread = await made_in(world, places["thread"], world.alice, "a fox in its thread")
        open_one = await imagined(world, world.alice, "a public fox")
        await world.emu.delete_channel(places["old"])
        await world.restart_bot()  # as after a CHANNEL_DELETE missed while away

        bob_sees = await history_ids(world, world.bob)
        mod_sees = await history_ids(world, world.mod)
        alice_sees = await history_ids(world, world.alice)
        posted = await history_ids(world, world.alice, public=True)
        bob_show = await answer(world, await world.slash("show", {"job": gone.id}, member=world.bob))
        alice_show = await answer(world, await world.slash("show", {"job": gone.id}, member=world.alice))
        mod_show = await answer(world, await world.slash("show", {"job": in_thread.id}, member=world.mod))

    assert bob_sees == [open_one.id], "nobody can tell who could read the old room"
    assert mod_sees == [open_one.id, in_thread.id, gone.id], "managers see them"
    assert alice_sees == [open_one.id, in_thread.id, gone.id], "her own jobs stay hers"
    assert posted == [open_one.id], "a listing posted for the channel shows none"
    assert bob_show.ephemeral
    assert bob_show.content == f"I can't find job #{gone.id} in this server."
    for private in (alice_show, mod_show):
        assert private.ephemeral, "shown to the asker alone, not posted"
        assert private.attachments
