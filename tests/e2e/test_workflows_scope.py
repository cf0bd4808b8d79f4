"""/workflows: who may add, try and remove a workflow, and in which servers it is offered."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from core.jobs.snapshots import JobView
from db.enums import JobStatus
from tests.discord_emulator import Channel, Guild, Member
from tests.discord_emulator.layout import text_of
from tests.e2e.admin_support import MANAGE_GUILD, world_with_admin
from tests.e2e.harness import World
from tests.e2e.workflows_support import (
    OWNER_ID,
    TXT2IMG,
    add_portrait,
    private_answer,
    stored_names,
    upload,
    workflows,
)


async def test_members_without_manage_server_cannot_add_or_list(database_url: str, tmp_path: Path) -> None:
    """Discord hides /workflows from them unless an admin shows it; then each subcommand refuses them. The
    list names the backends by their addresses, and who added each workflow."""
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await add_portrait(world, world.alice)
        names = await stored_names(world)
        await add_portrait(world, admin)
        listed = await workflows(world, world.alice, "list")

    assert "Manage Server" in answer.content
    assert names == []
    assert "Manage Server" in listed.content
    assert not listed.embeds


async def test_only_an_owner_adds_a_workflow_for_every_server(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path, bot_owner_ids=str(OWNER_ID)) as (world, admin):
        refused = await add_portrait(world, admin, scope="everywhere")
        owner = world.emu.add_member(world.guild, OWNER_ID, "owner")
        added = await add_portrait(world, owner, scope="everywhere")
        rows = await world.runtime.workflows.store.everything()

    assert "Only the bot's owners" in refused.content
    assert "for every server" in added.content
    assert [(row.name, row.guild_id) for row in rows] == [("portrait", None)]


async def test_a_servers_workflow_is_not_offered_in_another_server(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await add_portrait(world, admin)
        other = world.emu.add_guild(name="Elsewhere")
        general = world.emu.add_channel(other, "general")
        eve = world.emu.add_member(other, name="eve", permissions=MANAGE_GUILD)
        await world.emu.guild_create(other)
        listed_there = await workflows(world, eve, "list", where=(other, general))
        listed_here = await workflows(world, admin, "list")
        tried = await world.emu.send_slash_command(
            other, general, eve, "imagine", {"prompt": "x", "workflow": "portrait"}
        )
        refused = await private_answer(world, tried)

    assert "portrait" not in (listed_there.embeds[0].get("description", ""))
    assert "**portrait** · image · this server's" in (listed_here.embeds[0].get("description", ""))
    assert f"↳ added by <@{admin.id}> · version `" in (listed_here.embeds[0].get("description", ""))
    assert "There is no image workflow called “portrait”" in refused.content


async def test_a_test_run_is_shown_only_to_the_one_who_asked(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await add_portrait(world, admin)
        interaction = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "workflows", {"name": "portrait"}, subcommand="test"
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)

    assert message.ephemeral
    assert job.workflow_name == f"portrait@{world.guild.id}"
    assert job.params.quality == "draft"
    assert job.private
    assert job.status is JobStatus.SUCCEEDED
    assert world.job_messages() == []  # nothing in the channel for others to see


async def test_what_cannot_be_removed_from_here_is_refused(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path, bot_owner_ids=str(OWNER_ID)) as (world, admin):
        owner = world.emu.add_member(world.guild, OWNER_ID, "owner")
        await add_portrait(world, owner, scope="everywhere")
        offered = await world.emu.send_autocomplete(
            world.guild, world.channel, admin, "workflows", {"name": ""}, "name", subcommand="remove"
        )
        await world.emu.wait_for(lambda: offered.autocomplete_choices is not None)
        everywhere = await workflows(world, admin, "remove", {"name": "portrait"})
        built_in = await workflows(world, admin, "remove", {"name": "txt2img"})
        unknown = await workflows(world, admin, "remove", {"name": "nothing-here"})
        names = [row.name for row in await world.runtime.workflows.store.everything() if row.active]

    assert offered.autocomplete_choices == []  # the owner's workflow is not this manager's to remove
    assert "only the bot's owners can remove it" in everywhere.content
    assert "was not added from Discord" in built_in.content
    assert "There is no workflow called “nothing-here”" in unknown.content
    assert names == ["portrait"]


async def _second_server(world: World) -> tuple[Guild, Channel, Member]:
    other = world.emu.add_guild(name="Elsewhere")
    general = world.emu.add_channel(other, "general")
    eve = world.emu.add_member(other, name="eve", permissions=MANAGE_GUILD)
    await world.emu.guild_create(other)
    return other, general, eve


async def _imagine_portrait(
    world: World, guild: Guild, channel: Channel, member: Member
) -> tuple[str, JobView]:
    interaction = await world.emu.send_slash_command(
        guild, channel, member, "imagine", {"prompt": "a lighthouse", "workflow": "portrait"}
    )
    message = await world.wait_for_final(interaction)
    job = await world.runtime.browser.job_for_message(message.id, guild_id=guild.id)
    assert job is not None
    return text_of(message), job


def _scheduler(job: JobView) -> str:
    assert job.posted_graph is not None
    return str(
        next(n for n in job.posted_graph.values() if n["class_type"] == "KSampler")["inputs"]["scheduler"]
    )


async def test_two_servers_each_keep_a_workflow_of_the_same_name(database_url: str, tmp_path: Path) -> None:
    theirs = json.loads(TXT2IMG)
    sampler = next(node for node in theirs.values() if node["class_type"] == "KSampler")
    sampler["inputs"]["scheduler"] = "karras"
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        other, general, eve = await _second_server(world)
        here = await add_portrait(world, admin)
        their_file = {"file": upload("portrait.json", json.dumps(theirs))}
        there = await workflows(world, eve, "add", {}, their_file, (other, general))
        again_there = await workflows(
            world, eve, "add", {}, {"file": upload("portrait.json", TXT2IMG)}, (other, general)
        )
        shown_here, job_here = await _imagine_portrait(world, world.guild, world.channel, world.alice)
        _, job_there = await _imagine_portrait(world, other, general, eve)
        listed_there = await workflows(world, eve, "list", where=(other, general))

    assert "Added **portrait**" in here.content
    assert "Added **portrait**" in there.content  # not refused: the first server's names are its own
    assert "already exists" in again_there.content  # but a server's own names are still unique there
    assert (_scheduler(job_here), _scheduler(job_there)) == ("normal", "karras")  # each ran its own
    assert job_here.status is job_there.status is JobStatus.SUCCEEDED
    assert "portrait" in shown_here
    assert "@" not in shown_here.replace(f"<@{world.alice.id}>", "")
    assert "**portrait** · image · this server's" in (listed_there.embeds[0].get("description", ""))
    assert str(world.guild.id) not in str(listed_there.embeds)


async def test_one_for_every_server_leaves_a_servers_own_of_that_name_in_place(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, bot_owner_ids=str(OWNER_ID)) as (world, admin):
        other, general, eve = await _second_server(world)
        await add_portrait(world, admin)
        owner = world.emu.add_member(world.guild, OWNER_ID, "owner")
        everywhere = await add_portrait(world, owner, scope="everywhere")
        refused_here = await add_portrait(world, admin)
        _, job_here = await _imagine_portrait(world, world.guild, world.channel, world.alice)
        _, job_there = await _imagine_portrait(world, other, general, eve)
        removed = await workflows(world, admin, "remove", {"name": "portrait"})
        _, job_after = await _imagine_portrait(world, world.guild, world.channel, world.alice)

    assert "for every server" in everywhere.content
    assert "servers with a workflow of their own called portrait keep using theirs (1)" in everywhere.content
    assert "already exists" in refused_here.content
    assert job_here.workflow_name == f"portrait@{world.guild.id}"
    assert job_there.workflow_name == "portrait"
    assert "Removed **portrait**" in removed.content  # the server's own, not the owner's
    assert job_after.workflow_name == "portrait"


async def _prefer_portrait(world: World, guild: Guild, channel: Channel, member: Member) -> None:
    interaction = await world.emu.send_slash_command(
        guild,
        channel,
        member,
        "preferences",
        {"kind": "image", "workflow": "portrait"},
        subcommand="workflow",
    )
    await private_answer(world, interaction)


async def _imagine(world: World, guild: Guild, channel: Channel, member: Member) -> JobView:
    interaction = await world.emu.send_slash_command(guild, channel, member, "imagine", {"prompt": "a fox"})
    message = await world.wait_for_final(interaction)
    job = await world.runtime.browser.job_for_message(message.id, guild_id=guild.id)
    assert job is not None
    return job


async def test_a_preferred_workflow_means_in_each_server_what_its_name_means_there(
    database_url: str, tmp_path: Path
) -> None:
    song = resources.files("core.kinds.templates").joinpath("song.json").read_text()
    async with world_with_admin(database_url, tmp_path, bot_owner_ids=str(OWNER_ID)) as (world, admin):
        other, general, eve = await _second_server(world)
        own_song = await workflows(world, admin, "add", {}, {"file": upload("portrait.json", song)})
        owner = world.emu.add_member(world.guild, OWNER_ID, "owner")
        await add_portrait(world, owner, scope="everywhere")  # an image workflow for every server
        await _prefer_portrait(world, world.guild, world.channel, world.alice)
        await _prefer_portrait(world, other, general, eve)
        here = await _imagine(world, world.guild, world.channel, world.alice)
        there = await _imagine(world, other, general, eve)

    assert "Added **portrait** (song" in own_song.content
    # Here "portrait" is this server's song workflow: the image preference is passed over, not refused.
    assert (here.status, here.workflow_name) == (JobStatus.SUCCEEDED, "txt2img")
    assert (there.status, there.workflow_name) == (JobStatus.SUCCEEDED, "portrait")


async def test_an_owner_removes_the_one_of_every_server_from_a_server_keeping_its_own(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path, bot_owner_ids=str(OWNER_ID)) as (world, admin):
        await add_portrait(world, admin)
        owner = world.emu.add_member(world.guild, OWNER_ID, "owner")
        await add_portrait(world, owner, scope="everywhere")
        refused = await workflows(world, admin, "remove", {"name": "portrait", "scope": "everywhere"})
        removed = await workflows(world, owner, "remove", {"name": "portrait", "scope": "everywhere"})
        only_ours = await workflows(world, owner, "remove", {"name": "portrait", "scope": "everywhere"})
        rows = await world.runtime.workflows.store.everything()

    assert "only the bot's owners can remove it" in refused.content
    assert "Removed **portrait**" in removed.content
    assert "No workflow called “portrait” is offered in every server" in only_ours.content
    assert [(row.guild_id, row.active) for row in rows] == [(world.guild.id, True), (None, False)]
