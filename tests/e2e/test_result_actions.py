"""One file of a result, made into something new: Vary (subtle/strong), the per-image choice (V1-V4, the
select), Remix's form; each starts from the stored file, uploaded to ComfyUI, and links back to its source."""

from __future__ import annotations

from typing import Any

from core.jobs.derived import MadeFrom, ResultAction
from db.units.job_inputs import JobInputStore
from tests.discord_emulator.layout import gallery_items, texts
from tests.e2e.harness import all_final, running_world
from tests.e2e.result_support import (
    assert_started_from,
    first_result,
    labels,
    linked,
    made_from_click,
    message_of,
    modal_values,
)


async def test_vary_subtle_and_strong_start_from_the_result_with_new_seeds(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        assert labels(result)[:4] == ["Reroll", "Vary (subtle)", "Vary (strong)", "Remix"]
        for action, strength in (("subtle", 0.35), ("strong", 0.7)):
            click = await world.emu.click_button(result, f"res:{action}:{original.id}:0", world.alice)
            message, job = await made_from_click(world, click)
            await assert_started_from(world, job, original, artifact)
            assert job.params.strength == strength  # type: ignore[attr-defined]
            assert job.seed != original.seed
            assert job.params.prompt == original.params.prompt  # type: ignore[attr-defined]
            assert MadeFrom.read(job.seed_document) == MadeFrom(
                original.id,
                ResultAction(action),
                message=message_of(result),
            )
            label = "Vary (subtle)" if action == "subtle" else "Vary (strong)"
            # "#12" jumps to the result it was made from; the images' alt text says it in plain words.
            assert f"{label} of {linked(original.id, result)}" in texts(message)[0]
            assert {item["description"].split("\n")[0] for item in gallery_items(message)} == {
                f"↪ {label} of #{original.id}"
            }
        info = await world.emu.click_button(message, f"job:info:{job.id}", world.bob)
        await world.emu.wait_for(lambda: info.acked and world.emu.original_response(info).embeds)
        [embed] = world.emu.original_response(info).embeds
        made_from = next(field["value"] for field in embed["fields"] if field["name"] == "Made from")
        assert made_from == f"Vary (strong) of {linked(original.id, result)}"


async def test_one_of_four_images_is_chosen_by_its_number_or_the_select(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, artifacts = await first_result(world, {"count": 4})
        assert len(artifacts) == 4
        assert {"V1", "V2", "V3", "V4"} <= set(labels(result))
        click = await world.emu.click_button(result, f"res:strong:{original.id}:2", world.alice)
        message, job = await made_from_click(world, click)
        await assert_started_from(world, job, original, artifacts[2])
        assert f"Vary (strong) of {linked(original.id, result)}, image 3" in texts(message)[0]

        chosen = await world.emu.select_option(result, f"res:more:{original.id}", ["subtle:1"], world.alice)
        _, subtle = await made_from_click(world, chosen)
        await assert_started_from(world, subtle, original, artifacts[1])
        assert subtle.params.strength == 0.35  # type: ignore[attr-defined]


async def test_remix_opens_the_prompt_filled_in_and_runs_the_changed_one(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world, {"negative": "people"})
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        assert opened.response_type == 9, "a form"
        shown = modal_values(opened.modal)
        assert shown == {"prompt": "a paper boat", "negative_prompt": "people", "strength": "0.7"}
        # The form is answered even when the bot restarted while the member was typing.
        await world.restart_bot()
        fields: dict[str, str | list[str]] = {
            "prompt": "a paper plane --ar 3:2",
            "negative_prompt": "",
            "strength": "0.5",
        }
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        message, job = await made_from_click(world, submitted)
        await assert_started_from(world, job, original, artifact)
        # A flag in the prompt changes its parameter, as in /imagine, instead of being drawn.
        assert (job.params.prompt, job.params.aspect_ratio) == ("a paper plane", "3:2")  # type: ignore[attr-defined]
        assert job.params.negative_prompt is None  # type: ignore[attr-defined]
        assert job.params.strength == 0.5  # type: ignore[attr-defined]
        assert job.raw_input == "a paper plane --ar 3:2"
        assert f"Remix of {linked(original.id, result)}" in texts(message)[0]


async def test_buttons_of_results_made_before_the_per_image_actions_still_work(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        # As the version before delivered it: Reroll, Variations, Upscale, Info, Delete.
        old = [
            {"type": 2, "style": 2, "label": label, "custom_id": f"job:{action}:{original.id}"}
            for label, action in (("Reroll", "reroll"), ("Variations", "vary"), ("Upscale", "upscale"))
        ]
        world.emu.world.edit_message(result, {"components": [{"type": 1, "components": old}]})
        click = await world.emu.click_button(result, f"job:vary:{original.id}", world.alice)
        _, job = await made_from_click(world, click)
        await assert_started_from(world, job, original, artifact)
        assert MadeFrom.read(job.seed_document) == MadeFrom(
            original.id,
            ResultAction.VARY_STRONG,
            message=message_of(result),
        )


async def test_rerolling_a_vary_is_another_vary_of_the_same_picture(database_url: str, tmp_path: Any) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        click = await world.emu.click_button(result, f"res:strong:{original.id}:0", world.alice)
        varied_message, varied = await made_from_click(world, click)
        again = await world.emu.click_button(varied_message, f"job:reroll:{varied.id}", world.alice)
        message, rerolled = await made_from_click(world, again)
        [given] = await JobInputStore(world.runtime.sessions).for_job(rerolled.id)
        assert (given.sha256, given.source_job_id) == (artifact.sha256, original.id)
        assert rerolled.parent_id == varied.id
        assert rerolled.seed != varied.seed
        assert rerolled.params.strength == 0.7  # type: ignore[attr-defined]
        assert f"Vary (strong) of {linked(original.id, result)}" in texts(message)[0]


async def test_one_of_four_images_is_upscaled_by_its_number_or_edited_from_the_select(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, artifacts = await first_result(world, {"count": 4})
        assert {"U1", "U2", "U3", "U4"} <= set(labels(result))
        click = await world.emu.click_button(result, f"res:upscale:{original.id}:3", world.alice)
        message, upscaled = await made_from_click(world, click)
        await assert_started_from(world, upscaled, original, artifacts[3])
        assert upscaled.kind == "upscale"
        assert f"Upscale of {linked(original.id, result)}, image 4" in texts(message)[0]

        chosen = await world.emu.select_option(result, f"res:more:{original.id}", ["edit:0"], world.alice)
        await world.wait_acked(chosen)
        assert chosen.response_type == 9, "Edit asks what to change first"
        fields: dict[str, str | list[str]] = {"instruction": "make it night"}
        submitted = await world.emu.submit_modal(f"edit:{original.id}:0", fields, world.alice, world.channel)
        message, edited = await made_from_click(world, submitted)
        await assert_started_from(world, edited, original, artifacts[0])
        assert edited.kind == "edit"
        assert f"Edit of {linked(original.id, result)}, image 1" in texts(message)[0]


async def test_a_remix_prompt_with_permutations_makes_a_job_for_each_on_a_message_of_its_own(
    database_url: str, tmp_path: Any
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world, {})
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        fields: dict[str, str | list[str]] = {
            "prompt": "a paper {plane, kite} --ar {1:1, 3:2}",
            "negative_prompt": "",
            "strength": "0.5",
        }
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        messages = await all_final(world, submitted, 4)
        jobs = [await world.job_for(message) for message in messages]
        for job in jobs:
            await assert_started_from(world, job, original, artifact)

    assert messages[0].id == world.emu.original_response(submitted).id, "the first on the form's answer"
    assert [(j.params.prompt, j.params.aspect_ratio) for j in jobs] == [  # type: ignore[attr-defined]
        ("a paper plane", "1:1"),
        ("a paper plane", "3:2"),
        ("a paper kite", "1:1"),
        ("a paper kite", "3:2"),
    ]
    assert {j.parent_id for j in jobs} == {original.id}
    assert all(f"Remix of {linked(original.id, result)}" in texts(m)[0] for m in messages)
