"""A job made in a channel a member cannot read is not theirs to see: /history leaves it out, /show, /rerun
and /cancel answer as if it did not exist, whoever asks but an Administrator (Discord's own rule: Manage
Server and Manage Messages do not open a channel). The member's own jobs stay theirs wherever made."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import discord

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.snapshots import JobView
from core.kinds.image import ImageParams
from tests.discord_emulator import Channel, Guild, Member
from tests.discord_emulator.emulator import DiscordEmulator
from tests.discord_emulator.layout import texts
from tests.discord_emulator.models import Overwrite
from tests.e2e.harness import World
from tests.e2e.test_history_support import answer, browsing_world, imagined, job_shown_by

VIEW_CHANNEL = discord.Permissions(view_channel=True).value
ADMINISTRATOR = discord.Permissions(administrator=True).value
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


@dataclass
class Staff:
    """A staff-only channel (alice and the bot may read it, @everyone may not), a thread in it, and the
    server's administrator and a member with Manage Server."""

    channel: Channel
    thread: Channel
    admin: Member
    server_manager: Member


def staff_room(places: list[Staff]) -> Callable[[DiscordEmulator, Guild], None]:
    def customize(emu: DiscordEmulator, guild: Guild) -> None:
        channel = emu.add_channel(guild, "staff")
        alice = next(m for m in guild.members.values() if m.user.username == "alice")
        channel.overwrites = [
            Overwrite(guild.id, 0, deny=VIEW_CHANNEL),
            Overwrite(alice.id, 1, allow=VIEW_CHANNEL),
            Overwrite(emu.bot_user.id, 1, allow=VIEW_CHANNEL),
        ]
        # From roles, as Discord gives them (the bot computes other channels' permissions from roles).
        admins = emu.add_role(guild, "admins", permissions=ADMINISTRATOR)
        managers = emu.add_role(guild, "managers", permissions=MANAGE_GUILD)
        admin = emu.add_member(guild, name="admin", roles=[admins])
        manager = emu.add_member(guild, name="manager", roles=[managers])
        places.append(Staff(channel, emu.add_thread(channel, alice, "plans"), admin, manager))

    return customize


def listed_ids(text: str) -> list[int]:
    return [int(i) for i in re.findall(r"\*\*#(\d+)\*\*", text)]


async def history_ids(world: World, member: Member, **options: object) -> list[int]:
    listing = await answer(world, await world.slash("history", dict(options), member=member))
    return listed_ids(texts(listing)[0])


async def made_in(world: World, channel: Channel, member: Member, prompt: str) -> JobView:
    """A finished job `member` made with /imagine in `channel`."""
    message = await world.wait_for_final(
        await world.slash("imagine", {"prompt": prompt}, member=member, channel=channel)
    )
    return await job_shown_by(world, message)


async def queued_in(world: World, channel: Channel, member: Member, prompt: str) -> JobView:
    """A job `member` made in `channel` (through the core: they may since have lost access to it)."""
    request = JobRequest(
        guild_id=world.guild.id,
        requester=Requester(user_id=member.id, channel_id=channel.id),
        raw_input=prompt,
        params=ImageParams(prompt=prompt),
    )
    return (await world.runtime.service.submit(request)).job


async def test_history_lists_another_members_job_only_where_the_viewer_can_read(
    database_url: str, tmp_path: Path
) -> None:
    places: list[Staff] = []
    async with browsing_world(database_url, tmp_path, customize=staff_room(places)) as world:
        staff = places[0]
        secret = await made_in(world, staff.channel, world.alice, "the staff party plans")
        in_thread = await made_in(world, staff.thread, world.alice, "the thread's plans")
        open_one = await imagined(world, world.alice, "a public fox")
        bobs_own = await queued_in(world, staff.channel, world.bob, "bob's old staff job")

        bob_sees = await history_ids(world, world.bob)
        bob_searches = await history_ids(world, world.bob, search="plans")
        bob_filters = await history_ids(world, world.bob, user=world.alice)
        mod_sees = await history_ids(world, world.mod)
        manager_sees = await history_ids(world, staff.server_manager)
        admin_sees = await history_ids(world, staff.admin)
        alice_sees = await history_ids(world, world.alice)
        suggested = await world.emu.send_autocomplete(
            world.guild, world.channel, world.bob, "show", {"job": ""}, "job"
        )
        choices = await world.emu.wait_for(lambda: suggested.autocomplete_choices)

    everything = [bobs_own.id, open_one.id, in_thread.id, secret.id]
    assert bob_sees == [bobs_own.id, open_one.id], "his own job stays, alice's staff jobs are not listed"
    assert bob_searches == []
    assert bob_filters == [open_one.id]
    assert mod_sees == [open_one.id], "Manage Messages does not open a channel"
    assert manager_sees == [open_one.id], "nor does Manage Server"
    assert admin_sees == everything, "Administrator reads every channel"
    assert alice_sees == everything, "bob's job is in a channel alice reads"
    assert [choice["value"] for choice in choices] == [bobs_own.id, open_one.id]


async def test_show_and_rerun_of_a_job_in_a_channel_the_viewer_cannot_read_say_not_found(
    database_url: str, tmp_path: Path
) -> None:
    places: list[Staff] = []
    async with browsing_world(database_url, tmp_path, customize=staff_room(places)) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        staff = places[0]
        secret = await made_in(world, staff.channel, world.alice, "the staff party plans")
        missing = secret.id + 1000
        show = await answer(world, await world.slash("show", {"job": secret.id}, member=world.bob))
        show_missing = await answer(world, await world.slash("show", {"job": missing}, member=world.bob))
        mods_show = await answer(world, await world.slash("show", {"job": secret.id}, member=world.mod))
        rerun = await answer(world, await world.slash("rerun", {"job": secret.id}, member=world.bob))
        rerun_missing = await answer(world, await world.slash("rerun", {"job": missing}, member=world.bob))
        admins_show = await answer(world, await world.slash("show", {"job": secret.id}, member=staff.admin))
        jobs = await world.runtime.browser.history(world.guild.id, include_private=True)

    not_found = f"I can't find job #{secret.id} in this server."
    for refused in (show, mods_show, rerun):
        assert refused.ephemeral
        assert refused.content == not_found
        assert not refused.attachments
    # Word for word what a job that does not exist gets: the refusal tells nothing.
    assert show_missing.content.replace(str(missing), str(secret.id)) == show.content
    assert rerun_missing.content.replace(str(missing), str(secret.id)) == rerun.content
    assert [job.id for job in jobs.jobs] == [secret.id], "nothing was run again"
    assert admins_show.attachments, "an Administrator can show it"


async def test_cancel_of_a_job_in_a_channel_the_asker_cannot_read_says_not_found(
    database_url: str, tmp_path: Path
) -> None:
    places: list[Staff] = []
    async with browsing_world(
        database_url, tmp_path, global_max_running=0, customize=staff_room(places)
    ) as world:
        secret = await queued_in(world, places[0].channel, world.alice, "the staff party plans")
        by_bob = await answer(world, await world.slash("cancel", {"job": secret.id}, member=world.bob))
        by_mod = await answer(world, await world.slash("cancel", {"job": secret.id}, member=world.mod))
        still = await world.runtime.service.get(secret.id, guild_id=world.guild.id)

    assert by_bob.content == by_mod.content == f"I can't find job #{secret.id} in this server."
    assert not still.status.is_final, "a moderator who cannot read the channel did not cancel it"


async def test_a_job_in_a_thread_archived_before_the_bots_start_stays_hidden_where_its_channel_is(
    database_url: str, tmp_path: Path
) -> None:
    # discord.py forgets an archived thread, and after a restart learns only of active ones: the bot
    # cannot list the thread as hidden, but the job keeps the staff channel the thread is in.
    places: list[Staff] = []
    async with browsing_world(database_url, tmp_path, customize=staff_room(places)) as world:
        staff = places[0]
        in_thread = await made_in(world, staff.thread, world.alice, "the thread's plans")
        open_one = await imagined(world, world.alice, "a public fox")
        await world.emu.archive_thread(staff.thread)
        await world.restart_bot()
        thread_known = world.bot.get_channel(staff.thread.id)

        bob_sees = await history_ids(world, world.bob)
        mod_sees = await history_ids(world, world.mod)
        alice_sees = await history_ids(world, world.alice)
        show = await answer(world, await world.slash("show", {"job": in_thread.id}, member=world.bob))

    assert thread_known is None, "the bot no longer knows the thread"
    assert in_thread.parent_channel_id == staff.channel.id
    assert bob_sees == [open_one.id]
    assert mod_sees == [open_one.id], "Manage Messages does not open the channel, nor its threads"
    assert alice_sees == [open_one.id, in_thread.id]
    assert show.ephemeral
    assert show.content == f"I can't find job #{in_thread.id} in this server."
    assert not show.attachments
