"""/preferences: a member's own defaults apply to their requests, under what each request says."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from core.jobs.snapshots import JobView
from tests.discord_emulator import Interaction, Member
from tests.e2e.harness import World, running_world
from tests.e2e.test_history_support import answer


async def preferences(
    world: World, subcommand: str, options: dict[str, Any] | None = None, member: Member | None = None
) -> Interaction:
    return await world.emu.send_slash_command(
        world.guild, world.channel, member or world.alice, "preferences", options, subcommand=subcommand
    )


async def imagine(world: World, options: dict[str, Any], member: Member | None = None) -> JobView:
    interaction = await world.slash("imagine", options, member=member)
    return await world.job_for(await world.wait_for_final(interaction))


def a_second_image_workflow(tmp_path: Path) -> Path:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    graph = resources.files("core.kinds.templates").joinpath("txt2img.json").read_text()
    (workflows / "portrait.json").write_text(graph)
    return workflows


async def test_preferences_fill_what_the_request_leaves_out(database_url: str, tmp_path: Path) -> None:
    workflows = a_second_image_workflow(tmp_path)
    async with running_world(database_url, tmp_path, workflows_dir=workflows) as world:
        chosen = await answer(
            world,
            await preferences(
                world, "set", {"aspect_ratio": "16:9", "quality": "draft", "style": "ink, noir"}
            ),
        )
        await answer(world, await preferences(world, "workflow", {"kind": "image", "workflow": "portrait"}))

        plain = await world.job_for(
            await world.wait_for_final(await world.slash("imagine", {"prompt": "a cat"}))
        )
        flagged = await world.job_for(
            await world.wait_for_final(
                await world.slash("imagine", {"prompt": "a dog --ar 1:1", "quality": "high", "style": "pop"})
            )
        )
        others = await world.job_for(
            await world.wait_for_final(await world.slash("imagine", {"prompt": "an owl"}, member=world.bob))
        )

    assert chosen.ephemeral
    assert "Aspect ratio: 16:9" in chosen.content
    assert "Style: ink, noir" in chosen.content
    assert (plain.params.aspect_ratio, plain.params.quality, plain.params.style_tags) == (
        "16:9",
        "draft",
        ["ink", "noir"],
    )
    assert plain.workflow_name == "portrait"
    assert (flagged.params.aspect_ratio, flagged.params.quality, flagged.params.style_tags) == (
        "1:1",
        "high",
        ["pop"],
    ), "what the request says wins over the preference"
    assert (others.params.aspect_ratio, others.workflow_name) == ("1:1", "txt2img"), "bob chose nothing"


async def test_an_explicit_workflow_wins_and_an_unusable_preference_is_passed_over(
    database_url: str, tmp_path: Path
) -> None:
    workflows = a_second_image_workflow(tmp_path)
    async with running_world(database_url, tmp_path, workflows_dir=workflows) as world:
        await answer(world, await preferences(world, "workflow", {"kind": "image", "workflow": "portrait"}))
        explicit = await imagine(world, {"prompt": "a cat", "workflow": "txt2img"})
        # The workflow leaves the catalogue (an operator removed it): the server's default applies again.
        world.runtime.catalogue._templates.pop("portrait")
        fallback = await imagine(world, {"prompt": "a dog"})
        shown = await answer(world, await preferences(world, "show"))

    assert explicit.workflow_name == "txt2img"
    assert fallback.workflow_name == "txt2img"
    assert "Image workflow: portrait (not usable now: the default applies)" in shown.content


async def test_a_bad_preference_is_refused_privately_and_reset_forgets_all(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        refused = await answer(
            world, await preferences(world, "workflow", {"kind": "image", "workflow": "nope"})
        )
        await answer(
            world, await preferences(world, "set", {"aspect_ratio": "9:16", "ping": "don't ping me"})
        )
        reset = await answer(world, await preferences(world, "reset"))
        job = await world.job_for(
            await world.wait_for_final(await world.slash("imagine", {"prompt": "a cat"}))
        )

    assert refused.ephemeral
    assert "There is no image workflow called “nope”" in refused.content
    assert "Aspect ratio: not set" in reset.content
    assert "Ping when a job ends: as the server says" in reset.content
    assert job.params.aspect_ratio == "1:1"
