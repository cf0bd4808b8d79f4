"""/workflows: a server's own workflows added, listed, tried and removed from Discord, through the emulator
and the fake ComfyUI; each bad file is refused privately and nothing is stored."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from bot.runtime import CoreRuntime
from db.enums import JobStatus
from tests.discord_emulator import Channel, DiscordEmulator, Guild, Interaction, Member, Message
from tests.discord_emulator.actions import Upload
from tests.discord_emulator.layout import footers
from tests.e2e.harness import World, job_state, running_world

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
OWNER_ID = 424242424242
TXT2IMG = resources.files("core.kinds.templates").joinpath("txt2img.json").read_text()


def upload(name: str, text: str | bytes) -> Upload:
    return (name, text.encode() if isinstance(text, str) else text, "application/json")


def with_missing_model() -> str:
    graph = json.loads(TXT2IMG)
    loader = next(node for node in graph.values() if node["class_type"] == "CheckpointLoaderSimple")
    loader["inputs"]["ckpt_name"] = "nobody_has_this.safetensors"
    return json.dumps(graph)


@contextlib.asynccontextmanager
async def world_with_admin(
    database_url: str, tmp_path: Path, **options: Any
) -> AsyncIterator[tuple[World, Member]]:
    admins: list[Member] = []

    def add_admin(emu: DiscordEmulator, guild: Guild) -> None:
        admins.append(emu.add_member(guild, name="admin", permissions=MANAGE_GUILD))

    async with running_world(database_url, tmp_path, customize=add_admin, **options) as world:
        yield world, admins[0]


async def workflows(
    world: World,
    member: Member,
    subcommand: str,
    options: dict[str, Any] | None = None,
    attachments: dict[str, Upload] | None = None,
    where: tuple[Guild, Channel] | None = None,
) -> Message:
    """Runs /workflows <subcommand> and returns its (private) answer once it is complete."""
    guild, channel = where or (world.guild, world.channel)
    interaction = await world.emu.send_slash_command(
        guild, channel, member, "workflows", options, attachments, subcommand=subcommand
    )
    return await private_answer(world, interaction)


async def private_answer(world: World, interaction: Interaction) -> Message:
    """The answer: the "thinking…" turned into it, or a followup (a refusal deletes the "thinking…")."""

    def answered() -> Message | None:
        shown = world.emu.followups(interaction)
        if interaction.response_message_id is not None:
            shown.insert(0, world.emu.original_response(interaction))
        done = [m for m in shown if not m.deleted and (m.content or m.embeds)]
        return done[-1] if done else None

    await world.wait_acked(interaction)
    await world.emu.wait_for(lambda: answered() is not None, 15)
    answer = answered()
    assert answer is not None
    assert answer.ephemeral, "answers to /workflows are private"
    return answer


def job_id_shown(message: Message) -> int:
    """The job a message shows, from its footer ("Job #12 · queued"): known as soon as it is shown."""
    footer = next(text for text in footers(message) if text.startswith("Job #"))
    return int(footer.removeprefix("Job #").split(" ", 1)[0])


async def add_portrait(world: World, admin: Member, **options: Any) -> Message:
    return await workflows(world, admin, "add", options, {"file": upload("portrait.json", TXT2IMG)})


async def stored_names(world: World) -> list[str]:
    return [row.name for row in await world.runtime.workflows.store.everything()]


async def test_a_workflow_added_from_discord_makes_the_next_imagine(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        added = await add_portrait(world, admin)
        offered = await world.emu.send_autocomplete(
            world.guild, world.channel, world.alice, "imagine", {"prompt": "x", "workflow": "por"}, "workflow"
        )
        await world.emu.wait_for(lambda: offered.autocomplete_choices is not None)
        message = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a lighthouse", "workflow": "portrait"})
        )
        job = await world.job_for(message)
        row = (await world.runtime.workflows.store.everything())[0]

    assert "Added **portrait** (image" in added.content
    assert f"✓ workflow 'portrait' can run on {world.fake.url}" in added.content  # `check`'s own line
    assert [c["value"] for c in offered.autocomplete_choices or []] == ["portrait"]
    assert job.workflow_name == "portrait"
    assert job.status is JobStatus.SUCCEEDED
    assert (row.added_by, row.guild_id, row.kind, len(row.version)) == (admin.id, world.guild.id, "image", 64)


BAD_FILES = [
    pytest.param(upload("notes.json", "this is not { json"), "is not valid JSON", id="not-json"),
    pytest.param(
        upload("ui.json", json.dumps({"nodes": [{"id": 1}], "links": []})), "Export (API)", id="ui-format"
    ),
    pytest.param(upload("broken.json", with_missing_model()), "No ComfyUI server can run", id="no-backend"),
    pytest.param(upload("huge.json", b" " * (3 * 1024 * 1024)), "is too large", id="3-MB"),
    pytest.param(upload("txt2img.json", TXT2IMG), "name of a built-in workflow", id="built-in-name"),
]


@pytest.mark.parametrize(("file", "said"), BAD_FILES)
async def test_a_bad_workflow_is_refused_privately_and_nothing_is_stored(
    database_url: str, tmp_path: Path, file: Upload, said: str
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await workflows(world, admin, "add", {}, {"file": file})
        names = await stored_names(world)

    assert said in answer.content
    assert "Traceback" not in answer.content
    assert names == []
    if said == "is too large":  # refused from the declared size: never downloaded
        assert world.emu.cdn_downloads == []


async def test_a_name_already_taken_is_refused_and_the_first_one_stays(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await add_portrait(world, admin)
        again = await add_portrait(world, admin)
        names = await stored_names(world)

    assert "already exists" in again.content
    assert names == ["portrait"]


async def test_the_report_says_what_a_backend_lacks(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await workflows(
            world, admin, "add", {}, {"file": upload("broken.json", with_missing_model())}
        )

    assert "nobody_has_this.safetensors" in answer.content
    assert "fix: put the missing model files" in answer.content


async def test_members_without_manage_server_cannot_add(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, _admin):
        answer = await add_portrait(world, world.alice)
        names = await stored_names(world)

    assert "Manage Server" in answer.content
    assert names == []


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


async def test_a_removed_workflow_still_runs_the_job_queued_on_it(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path, global_max_running=0) as (world, admin):
        await add_portrait(world, admin)
        asked = await world.slash("imagine", {"prompt": "waiting", "workflow": "portrait"})
        await world.wait_acked(asked)
        shown = world.emu.original_response(asked)
        await world.emu.wait_for(lambda: job_state(shown) is not None)
        waiting = await world.runtime.service.get(job_id_shown(shown), guild_id=world.guild.id)
        removed = await workflows(world, admin, "remove", {"name": "portrait"})
        refused = await private_answer(
            world, await world.slash("imagine", {"prompt": "late", "workflow": "portrait"})
        )
        # Places for jobs again, after a restart that reads the workflows afresh: the one removed is gone.
        world.queue = replace(world.queue, global_max_running=4)
        await world.restart_bot()
        job, artifacts = await world.delivered(waiting.id, timeout=30)

    assert waiting.status is JobStatus.QUEUED
    assert "Removed **portrait**" in removed.content
    assert "There is no image workflow called “portrait”" in refused.content
    assert job.status is JobStatus.SUCCEEDED
    assert job.posted_graph == waiting.posted_graph
    assert len(artifacts) == 1


async def test_a_file_in_workflows_dir_wins_over_a_stored_one_with_a_note(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "portrait.json").write_text(TXT2IMG)
    async with world_with_admin(database_url, tmp_path, workflows_dir=folder) as (world, admin):
        added = await add_portrait(world, admin)
        listed = await workflows(world, admin, "list")

    assert "portrait.json in the bot's WORKFLOWS_DIR" in added.content
    description = listed.embeds[0].get("description", "")
    assert "**portrait** · image · WORKFLOWS_DIR" in description
    assert "a WORKFLOWS_DIR file of this name is used instead" in description


async def test_a_test_run_is_shown_only_to_the_one_who_asked(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await add_portrait(world, admin)
        interaction = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "workflows", {"name": "portrait"}, subcommand="test"
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)

    assert message.ephemeral
    assert job.workflow_name == "portrait"
    assert job.params.quality == "draft"
    assert job.private
    assert job.status is JobStatus.SUCCEEDED
    assert world.job_messages() == []  # nothing in the channel for others to see


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_another_worker_offers_a_new_workflow_as_soon_as_it_is_added(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin), aiohttp.ClientSession() as http:
        config = replace(
            world.runtime.config,
            client_id="second-worker",
            data_dir=tmp_path / "second",
            queue=replace(world.queue, worker_id="second-worker"),  # its periodic reload is 30 s away
        )
        other = await CoreRuntime.build(config, http=http)
        await other.start()
        try:
            before = other.catalogue.names(scope=world.guild.id)
            await add_portrait(world, admin)
            async with asyncio.timeout(10), other.workflows.changed:
                await other.workflows.changed.wait_for(
                    lambda: "portrait" in other.catalogue.names(scope=world.guild.id)
                )
            removed = await workflows(world, admin, "remove", {"name": "portrait"})
            async with asyncio.timeout(10), other.workflows.changed:
                await other.workflows.changed.wait_for(
                    lambda: "portrait" not in other.catalogue.names(scope=world.guild.id)
                )
            capable = other.dispatcher.capabilities.backends_for("portrait")
        finally:
            await other.close()

    assert "portrait" not in before
    assert "Removed **portrait**" in removed.content
    assert capable == {world.fake.url}  # still routable, for the jobs queued on it


async def test_a_sidecar_and_a_kind_given_with_the_file_bind_it(database_url: str, tmp_path: Path) -> None:
    sidecar = json.dumps({"defaults": {"steps": {"draft": 3, "standard": 9, "high": 12}}})
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        added = await workflows(
            world,
            admin,
            "add",
            {"name": "quick", "kind": "image"},
            {"file": upload("anything.json", TXT2IMG), "sidecar": upload("quick.binding.json", sidecar)},
        )
        tried = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "workflows", {"name": "quick"}, subcommand="test"
        )
        job = await world.job_for(await world.wait_for_final(tried))
        row = (await world.runtime.workflows.store.everything())[0]

    sampler = next(node for node in (job.posted_graph or {}).values() if node["class_type"] == "KSampler")
    assert "Added **quick** (image" in added.content
    assert sampler["inputs"]["steps"] == 3  # the sidecar's draft steps
    assert row.sidecar is not None
    assert row.sidecar["kind"] == "image"


async def test_a_bad_sidecar_is_refused_with_its_field(database_url: str, tmp_path: Path) -> None:
    bad = json.dumps({"nodes": {"bogus": ["1"]}})
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await workflows(
            world,
            admin,
            "add",
            {},
            {"file": upload("portrait.json", TXT2IMG), "sidecar": upload("portrait.binding.json", bad)},
        )
        names = await stored_names(world)

    assert "its binding sidecar is invalid: nodes.bogus" in answer.content
    assert names == []


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


async def test_a_workflow_that_needs_a_picture_is_tried_with_its_own_command(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await workflows(world, admin, "test", {"name": "edit"})

    assert "needs a file (image)" in answer.content
    assert "/edit" in answer.content
    assert world.job_messages() == []
