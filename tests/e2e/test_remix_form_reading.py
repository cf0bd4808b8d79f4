"""Remix's form read as /imagine reads a prompt: what it was filled in with comes back as that one prompt,
and a Midjourney setting typed in it is ignored with the same note."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import all_final, job_state, running_world
from tests.e2e.result_support import first_result, modal_values


async def test_a_remix_form_sent_back_as_it_was_filled_in_makes_the_results_own_prompt_once(
    database_url: str, tmp_path: Any
) -> None:
    # The result's prompt has braces the member escaped in /imagine (`\{`): one prompt with literal
    # braces. Sent back with only the strength changed, the form's prompt is still that one prompt.
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world, {"prompt": r"a \{red, blue\} kite"})
        assert original.params.prompt == "a {red, blue} kite"  # type: ignore[attr-defined]
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        shown = modal_values(opened.modal)
        fields: dict[str, str | list[str]] = {**shown, "strength": "0.5"}
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        await world.wait_acked(submitted)
        await world.emu.wait_for(lambda: job_state(world.emu.original_response(submitted)) == "done", 30)
        history = await world.runtime.browser.history(world.guild.id)

    made = [j for j in history.jobs if j.id != original.id]
    assert [j.params.prompt for j in made] == ["a {red, blue} kite"]  # type: ignore[attr-defined]


async def test_a_midjourney_flag_typed_in_a_remix_is_ignored_with_the_note_imagine_gives(
    database_url: str, tmp_path: Any
) -> None:
    # As in /imagine: `--v 6` is taken out of the prompt and a private note says so.
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        fields: dict[str, str | list[str]] = {
            "prompt": "a paper kite --v 6",
            "negative_prompt": "",
            "strength": "0.5",
        }
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        [message] = await all_final(world, submitted, 1)
        job = await world.job_for(message)
        note = await world.emu.wait_for(
            lambda: next((m for m in world.notes(submitted) if job_state(m) is None), None), 5
        )

    assert job.params.prompt == "a paper kite"  # type: ignore[attr-defined]
    assert note.ephemeral
    assert note.content.startswith("Ignored --v 6")


async def test_a_remix_form_of_a_prompt_with_a_flag_spelled_in_it_sent_back_unchanged_is_that_prompt(
    database_url: str, tmp_path: Any
) -> None:
    # The member wrote `--ar` as words (`\--ar`) beside escaped braces: the stored prompt has a literal
    # `--ar 16:9`. The form shows it escaped again, so sent back it is neither a flag nor a permutation.
    async with running_world(database_url, tmp_path) as world:
        typed = r"a \--ar 16:9 sign \{x, y\} kite"
        result, original, _ = await first_result(world, {"prompt": typed})
        assert original.params.prompt == "a --ar 16:9 sign {x, y} kite"  # type: ignore[attr-defined]
        opened = await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        shown = modal_values(opened.modal)
        fields: dict[str, str | list[str]] = {**shown, "strength": "0.5"}
        submitted = await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        [message] = await all_final(world, submitted, 1)
        job = await world.job_for(message)

    assert shown["prompt"] == typed
    assert job.params.prompt == original.params.prompt  # type: ignore[attr-defined]
    assert job.params.aspect_ratio == original.params.aspect_ratio  # type: ignore[attr-defined]
