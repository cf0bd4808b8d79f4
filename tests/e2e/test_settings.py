"""/settings through the real discord.py and the emulator: changes take effect at once, only for managers."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from core.errors import NotAllowed, UserFacingError
from core.kinds import IMAGE
from db.enums import RegeneratePermission
from tests.discord_emulator import Interaction, Member
from tests.e2e.admin_support import MANAGE_GUILD
from tests.e2e.admin_support import world_with_admin as admin_world
from tests.e2e.harness import World, job_state
from tests.e2e.test_history_support import (
    answer,
    browsing_world,
    field_values,
    imagined,
    job_shown_by,
    submit,
)

# /settings is among the browsing extensions: the whole bot, as browsing_world checks.
world_with_admin = functools.partial(admin_world, start=browsing_world)


async def settings(
    world: World,
    member: Member,
    subcommand: str,
    options: dict[str, Any] | None = None,
    group: str | None = None,
) -> Interaction:
    return await world.emu.send_slash_command(
        world.guild, world.channel, member, "settings", options, subcommand=subcommand, subcommand_group=group
    )


async def test_a_blocked_word_refuses_new_requests_at_once(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path, global_max_running=0) as (world, admin):
        await submit(world, world.alice, "a cat")  # the policy is now cached by the core
        added = await answer(
            world, await settings(world, admin, "add", {"words": "Forbidden, gore"}, group="blocked-words")
        )
        imagine = await answer(world, await world.slash("imagine", {"prompt": "a FORBIDDEN cat"}))
        with pytest.raises(NotAllowed) as refused:
            await submit(world, world.alice, "a forbidden cat")
        removed = await answer(
            world, await settings(world, admin, "remove", {"words": "gore"}, group="blocked-words")
        )
        policy = await world.runtime.guild_policies.get(world.guild.id)
        jobs = await world.runtime.browser.history(world.guild.id)
    assert added.ephemeral
    assert added.embeds[0]["title"] == "Settings updated"
    assert field_values(added)["Blocked words"] == "`forbidden`, `gore`"
    assert imagine.ephemeral
    assert imagine.content == refused.value.user_message
    assert "forbidden" in imagine.content
    assert [job.raw_input for job in jobs.jobs] == ["a cat"]  # nothing else was queued
    assert field_values(removed)["Blocked words"] == "`forbidden`"
    assert policy.blocked_words == ("forbidden",)


async def test_a_blocked_word_already_covered_is_not_added_and_the_admin_is_told_privately(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await answer(world, await settings(world, admin, "add", {"words": "gore"}, group="blocked-words"))
        covered = await answer(
            world, await settings(world, admin, "add", {"words": "G0RE, g.o.r.e"}, group="blocked-words")
        )
        partly = await answer(
            world, await settings(world, admin, "add", {"words": "gоre, spam"}, group="blocked-words")
        )
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert covered.ephemeral
    assert (
        covered.content == "Already blocked, so nothing was added: “G0RE” (by “gore”), “g.o.r.e” (by “gore”)."
    )
    assert partly.ephemeral
    assert partly.content == "Already blocked, so not added: “gоre” (by “gore”)."
    assert field_values(partly)["Blocked words"] == "`gore`, `spam`"
    assert policy.blocked_words == ("gore", "spam")


async def test_members_without_manage_server_are_refused_and_nothing_changes(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, _):
        member = await answer(world, await settings(world, world.alice, "nsfw-only", {"enabled": True}))
        moderator = await answer(world, await settings(world, world.mod, "show"))
        policy = await world.runtime.guild_policies.get(world.guild.id)
        synced = world.emu.calls_matching("PUT", rf"/guilds/{world.guild.id}/commands$")[-1].json
    assert member.ephemeral
    assert member.content == "You need the Manage Server permission to change my settings here."
    assert moderator.content == member.content  # Manage Messages is not enough
    assert policy.nsfw_channels_only is False
    (command,) = [c for c in synced if c["name"] == "settings"]
    assert int(command["default_member_permissions"]) == MANAGE_GUILD  # hidden from members by default
    assert {option["name"] for option in command["options"]} == {
        "show",
        "channels",
        "roles",
        "blocked-words",
        "models",
        "loras",
        "limits",
        "nsfw-only",
        "regenerate",
        "workflows",
        "ping-when-done",
        "log",
        "private-results",
        "safety",
    }


async def test_channels_and_roles_are_added_and_removed(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        role = world.emu.add_role(world.guild, "artists")
        await world.emu.guild_create(world.guild)
        channel = await answer(
            world, await settings(world, admin, "add", {"channel": world.channel}, group="channels")
        )
        await answer(world, await settings(world, admin, "add", {"role": role}, group="roles"))
        with pytest.raises(NotAllowed):
            await submit(world, world.alice)  # alice lacks the role now
        not_listed = await answer(
            world, await settings(world, admin, "remove", {"role": world.guild.everyone}, group="roles")
        )
        await answer(world, await settings(world, admin, "remove", {"role": role}, group="roles"))
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert field_values(channel)["Channels"] == f"<#{world.channel.id}>"
    assert not_listed.content == "That role is not on the list."
    assert policy.allowed_channel_ids == frozenset({world.channel.id})
    assert policy.allowed_role_ids == frozenset()


async def test_a_forum_can_be_allowed_and_its_posts_take_requests(database_url: str, tmp_path: Path) -> None:
    """The channel option took text channels only, so a server whose members post in a forum could not
    allow it; its posts are threads, which count as the forum."""
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        forum = world.emu.add_forum(world.guild, "art")
        post = world.emu.add_thread(forum, world.alice, "foxes")
        await world.emu.guild_create(world.guild)
        allowed = await answer(
            world, await settings(world, admin, "add", {"channel": forum}, group="channels")
        )
        made = await world.wait_for_final(await world.slash("imagine", {"prompt": "a fox"}, channel=post))
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert field_values(allowed)["Channels"] == f"<#{forum.id}>"
    assert policy.allowed_channel_ids == frozenset({forum.id})
    assert job_state(made) == "done"


async def test_limits_change_and_an_invalid_one_is_explained(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        changed = await answer(
            world, await settings(world, admin, "limits", {"max_running": 1, "burst": 4, "per_minute": 2.5})
        )
        invalid = await answer(world, await settings(world, admin, "limits", {"max_waiting": 5000}))
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert field_values(changed)["Per member"] == "1 running, 10 waiting"
    assert field_values(changed)["Rate limit"] == "bursts of 4, then 2.5 per minute"
    assert invalid.ephemeral
    assert invalid.content == "That setting is not valid (max_queued_per_user): must be at most 1000."
    assert policy.limits.max_queued_per_user == 10


LIMIT_FIELDS = {
    "max_running": "max_running_per_user",
    "max_waiting": "max_queued_per_user",
    "burst": "rate_capacity",
    "per_minute": "rate_refill_per_minute",
}


async def test_the_limits_options_offer_what_the_server_keeps(database_url: str, tmp_path: Path) -> None:
    """Discord refuses an option's value outside its min_value and max_value before it is sent: the options
    declare the ranges the database keeps, so an admin is not told about "max_queued_per_user", a name they
    never typed, after sending max_waiting:5000."""
    async with world_with_admin(database_url, tmp_path) as (world, _):
        synced = world.emu.calls_matching("PUT", rf"/guilds/{world.guild.id}/commands$")[-1].json
        (command,) = [c for c in synced if c["name"] == "settings"]
        (limits,) = [o for o in command["options"] if o["name"] == "limits"]
        ranges = {o["name"]: (o["min_value"], o["max_value"]) for o in limits["options"]}
        policies = world.runtime.guild_policies
        for option, (low, high) in ranges.items():
            await policies.update(world.guild.id, {LIMIT_FIELDS[option]: low})
            await policies.update(world.guild.id, {LIMIT_FIELDS[option]: high})
            with pytest.raises(UserFacingError):
                await policies.update(world.guild.id, {LIMIT_FIELDS[option]: high + 1})
    assert set(ranges) == set(LIMIT_FIELDS)
    assert ranges["max_waiting"] == (0, 1000)


async def test_letting_anyone_regenerate_lets_another_member_rerun_a_job(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        original = await imagined(world, world.alice)
        await answer(world, await settings(world, admin, "regenerate", {"who": "anyone"}))
        message = await world.wait_for_final(
            await world.slash("rerun", {"job": original.id}, member=world.bob)
        )
        rerun = await job_shown_by(world, message)
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert policy.regenerate_permission is RegeneratePermission.ANYONE
    assert (rerun.parent_id, rerun.user_id) == (original.id, world.bob.id)


async def test_default_workflows_autocomplete_and_unknown_ones_are_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        suggested = await world.emu.send_autocomplete(
            world.guild, world.channel, admin, "settings", {"image": "txt"}, "image", subcommand="workflows"
        )
        choices = await world.emu.wait_for(lambda: suggested.autocomplete_choices)
        image_names = world.runtime.catalogue.names(IMAGE)
        unknown = await answer(world, await settings(world, admin, "workflows", {"image": "nope"}))
        chosen = await answer(world, await settings(world, admin, "workflows", {"image": "txt2img"}))
        reset = await answer(world, await settings(world, admin, "workflows", {"image": ":default"}))
    assert choices[0] == {"name": "built-in default", "value": ":default"}
    assert [c["value"] for c in choices[1:]] == [n for n in image_names if "txt" in n]
    assert "txt2img" in image_names
    assert unknown.content.startswith("There is no image workflow called “nope”. Available: ")
    assert field_values(chosen)["Default workflows"].startswith("image: txt2img\n")
    assert field_values(reset)["Default workflows"].startswith("image: built-in\n")
