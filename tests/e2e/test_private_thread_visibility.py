"""A job made in a private thread is for who may read that thread: its members and who has Manage Threads
in its channel ("can only be viewed by those who were invited or those with the MANAGE_THREADS
permission", https://discord.com/developers/docs/topics/threads#private-threads), not everyone who reads
its channel. The bot, which has no members intent and was not invited, does not even know the thread: the
job keeps that it was private."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import discord

from tests.discord_emulator import Channel, Guild, Member
from tests.discord_emulator.emulator import DiscordEmulator
from tests.discord_emulator.layout import texts
from tests.e2e.harness import World
from tests.e2e.test_channel_visibility import history_ids, listed_ids, made_in
from tests.e2e.test_history_support import answer, browsing_world, imagined

MANAGE_THREADS = discord.Permissions(manage_threads=True).value


def secret_thread(places: dict[str, Channel | Member]) -> Callable[[DiscordEmulator, Guild], None]:
    """Alice's private thread in the gallery, and a member with Manage Threads."""

    def customize(emu: DiscordEmulator, guild: Guild) -> None:
        gallery = next(c for c in guild.channels.values() if c.name == "gallery")
        alice = next(m for m in guild.members.values() if m.user.username == "alice")
        places["thread"] = emu.add_thread(gallery, alice, "secret", private=True)
        keepers = emu.add_role(guild, "thread keepers", permissions=MANAGE_THREADS)
        places["keeper"] = emu.add_member(guild, name="keeper", roles=[keepers])

    return customize


async def listed_in(world: World, place: Channel, member: Member, **options: object) -> list[int]:
    listing = await answer(world, await world.slash("history", dict(options), member=member, channel=place))
    return listed_ids(texts(listing)[0])


async def test_a_private_threads_job_is_listed_only_for_who_may_read_the_thread(
    database_url: str, tmp_path: Path
) -> None:
    places: dict[str, Channel | Member] = {}
    async with browsing_world(database_url, tmp_path, customize=secret_thread(places)) as world:
        thread, keeper = places["thread"], places["keeper"]
        assert isinstance(thread, Channel)
        assert isinstance(keeper, Member)
        secret = await made_in(world, thread, world.alice, "the surprise party")
        open_one = await imagined(world, world.alice, "a public fox")
        thread_known = world.bot.get_channel(thread.id)

        bob_sees = await history_ids(world, world.bob)
        mod_sees = await history_ids(world, world.mod)
        keeper_sees = await history_ids(world, keeper)
        alice_sees = await history_ids(world, world.alice)
        posted_in_gallery = await history_ids(world, world.alice, public=True)
        world.emu.add_thread_member(thread, world.bob)
        bob_sees_in_thread = await listed_in(world, thread, world.bob)
        posted_in_thread = await listed_in(world, thread, world.alice, public=True)

    assert thread_known is None, "the bot was not invited: it does not know the thread"
    assert bob_sees == [open_one.id], "bob reads the gallery, not alice's private thread"
    assert mod_sees == [open_one.id], "Manage Messages does not open a private thread"
    assert keeper_sees == [open_one.id, secret.id], "Manage Threads does"
    assert alice_sees == [open_one.id, secret.id]
    assert posted_in_gallery == [open_one.id], "the gallery's readers do not read the thread"
    assert bob_sees_in_thread == [open_one.id, secret.id], "invited, he reads it there"
    assert posted_in_thread == [open_one.id, secret.id], "the thread's readers read it"


async def test_show_of_a_private_threads_job_is_refused_to_others_and_private_outside_it(
    database_url: str, tmp_path: Path
) -> None:
    places: dict[str, Channel | Member] = {}
    async with browsing_world(database_url, tmp_path, customize=secret_thread(places)) as world:
        thread, keeper = places["thread"], places["keeper"]
        assert isinstance(thread, Channel)
        assert isinstance(keeper, Member)
        secret = await made_in(world, thread, world.alice, "the surprise party")
        by_bob = await answer(world, await world.slash("show", {"job": secret.id}, member=world.bob))
        by_keeper = await answer(world, await world.slash("show", {"job": secret.id}, member=keeper))
        in_thread = await answer(
            world, await world.slash("show", {"job": secret.id}, member=world.alice, channel=thread)
        )

    assert by_bob.ephemeral
    assert by_bob.content == f"I can't find job #{secret.id} in this server."
    assert by_keeper.ephemeral, "the gallery's readers do not read the thread"
    assert by_keeper.attachments
    assert not in_thread.ephemeral, "posted where it was made"
    assert in_thread.attachments


async def test_a_member_of_the_private_thread_may_reroll_a_result_there(
    database_url: str, tmp_path: Path
) -> None:
    places: dict[str, Channel | Member] = {}
    async with browsing_world(database_url, tmp_path, customize=secret_thread(places)) as world:
        thread = places["thread"]
        assert isinstance(thread, Channel)
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        world.emu.add_thread_member(thread, world.bob)
        result = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "the surprise party"}, member=world.alice, channel=thread)
        )
        secret = await world.job_for(result)
        rerolled = await world.wait_for_final(
            await world.emu.click_button(result, f"job:reroll:{secret.id}", world.bob)
        )
        again = await world.job_for(rerolled)

    assert (again.parent_id, again.user_id) == (secret.id, world.bob.id), "asking in the thread, he reads it"
    assert again.in_private_thread
