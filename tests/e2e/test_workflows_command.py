"""/workflows: a server's own workflows added, listed, tried and removed from Discord, through the emulator
and the fake ComfyUI; each bad file is refused privately and nothing is stored."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.runtime import CoreRuntime
from db.enums import JobStatus
from tests.discord_emulator.command_data import Upload
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import job_state
from tests.e2e.workflows_support import (
    TXT2IMG,
    add_portrait,
    job_id_shown,
    private_answer,
    stored_names,
    upload,
    with_missing_model,
    workflows,
)


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
    assert job.workflow_name == f"portrait@{world.guild.id}"  # a server's own: see core/workflows/library.py
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


async def test_a_german_admin_is_told_in_german_why_a_file_is_no_workflow(
    database_url: str, tmp_path: Path
) -> None:
    ui_format = upload("ui.json", json.dumps({"nodes": [{"id": 1}], "links": []}))
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        admin.user.locale = "de"
        answer = await workflows(world, admin, "add", {}, {"file": ui_format})
        names = await stored_names(world)

    assert answer.content == (
        "Dieser Workflow ist nicht nutzbar, daher wurde nichts hinzugefügt: Workflow „ui“: ist im UI-Format "
        "des Editors; exportiere ihn in ComfyUI mit „Export (API)“ und verwende diese Datei"
    )
    assert names == []


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
    assert "default" not in removed.content  # it was not the server's default
    assert "There is no image workflow called “portrait”" in refused.content
    assert job.status is JobStatus.SUCCEEDED
    assert job.posted_graph == waiting.posted_graph
    assert len(artifacts) == 1


async def test_a_servers_default_workflow_once_removed_leaves_its_members_the_built_in_one(
    database_url: str, tmp_path: Path
) -> None:
    """Every plain /imagine in the server was refused ("There is no image workflow called “portrait”") until
    an admin thought of /settings workflows again."""
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await add_portrait(world, admin)
        chosen = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "settings", {"image": "portrait"}, subcommand="workflows"
        )
        await private_answer(world, chosen)
        removed = await workflows(world, admin, "remove", {"name": "portrait"})
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        job = await world.job_for(message)
        policy = await world.runtime.guild_policies.get(world.guild.id)

    assert "It was this server's default image workflow: requests naming no workflow use the built-in" in (
        removed.content
    )
    assert policy.default_image_workflow == "portrait"  # as the admin chose it: /settings show still says so
    assert job.workflow_name == "txt2img"
    assert job.status is JobStatus.SUCCEEDED


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
            capable = other.dispatcher.capabilities.backends_for(f"portrait@{world.guild.id}")
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


async def test_a_workflow_that_needs_a_picture_is_tried_with_its_own_command(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        answer = await workflows(world, admin, "test", {"name": "edit"})

    assert "needs a file (image)" in answer.content
    assert "/edit" in answer.content
    assert world.job_messages() == []
