"""/imagine through its whole life: the real ComfyBot, the Discord emulator, the fake ComfyUI, a database."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

from tests.discord_emulator.layout import (
    buttons,
    footers,
    gallery_items,
    is_v2,
    labelled,
    text_of,
    texts,
    thumbnails,
)
from tests.e2e.harness import (
    FAST_REPORTING,
    assert_no_repeated_revisions,
    job_state,
    running_world,
    states_shown,
)
from tests.fakes.comfyui import FakeConfig

SLOW_ENOUGH_TO_WATCH = FakeConfig(step_time_s=0.05, default_steps=8)


async def test_the_result_edit_is_never_held_back_by_the_progress_throttle(
    database_url: str, tmp_path: Path
) -> None:
    # Edits of a job's message may come at most once a minute here. A result edit that waited for that
    # throttle (or for a poll) would come a minute after the message's previous revision; one sent on the
    # job's end comes at once. The margin is the whole minute: load cannot fail this, a throttled result
    # cannot pass.
    throttle_s = 60.0
    reporting = replace(FAST_REPORTING, edit_interval_s=throttle_s, channel_edits_per_window=1000)
    async with running_world(
        database_url, tmp_path, fake_config=SLOW_ENOUGH_TO_WATCH, reporting=reporting
    ) as world:
        interaction = await world.slash("imagine", {"prompt": "a lighthouse at dusk"})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert job.finished_at is not None
        *earlier, final = message.revisions
        assert earlier, "the message showed the job before its result"
        assert (final.at - earlier[-1].at).total_seconds() < throttle_s / 2
        assert final.at >= job.finished_at


async def test_imagine_is_deferred_then_one_message_is_edited_from_queued_to_the_result(
    database_url: str, tmp_path: Path
) -> None:
    reporting = replace(FAST_REPORTING, edit_interval_s=0.15)
    async with running_world(
        database_url, tmp_path, fake_config=SLOW_ENOUGH_TO_WATCH, reporting=reporting
    ) as world:
        # The first job runs and keeps the server busy until the second's message says its prompt waits there
        # (sent at once, PREQUEUE_DEPTH): the queued state is shown however fast the first would have run.
        world.fake.hold_mid_run()
        first = await world.slash("imagine", {"prompt": "a lighthouse at dusk"}, member=world.bob)
        await world.wait_acked(first)
        first_message = world.emu.original_response(first)
        await world.emu.wait_for(lambda: job_state(first_message) == "running")
        second = await world.slash("imagine", {"prompt": "a red fox in the snow"})
        await world.wait_acked(second)
        waiting = world.emu.original_response(second)
        await world.emu.wait_for(
            lambda: "sent to the server" in labelled(waiting).get("Place in queue", ""), 15
        )
        world.fake.go()
        message = await world.wait_for_final(second)
        await world.wait_for_final(first)

        # Acknowledged with a public "thinking…" within Discord's 3 s, long before the job ran.
        assert second.deferred
        assert not second.ephemeral
        callback = next(c for c in world.emu.calls_matching("POST", rf"/interactions/{second.id}/"))
        assert (callback.at - second.created_at).total_seconds() < 1.0

        assert states_shown(message) == ["queued", "running", "done"]
        assert all(is_v2(r) for r in message.revisions[1:]), "components V2 from the first edit on"
        queued = [r for r in message.revisions if job_state(r) == "queued"]
        # Its place in the bot's queue may show first, if the edit came before the claim; then the server's.
        assert labelled(queued[-1])["Place in queue"] == "sent to the server, you are next there"
        running = [r for r in message.revisions if job_state(r) == "running"]
        assert any("step " in text_of(r) for r in running), "a progress bar with step x/y"
        shown = [int(p) for r in running for p in re.findall(r"(\d+)% ·", text_of(r))]
        assert shown == sorted(shown), "the bar never goes back (sampling, then decoding)"
        assert max(shown) < 100, "100% only with the result"
        words = " ".join(text_of(r) for r in running)
        assert "sampling" in words
        assert not re.search(r"KSampler|VAEDecode|CheckpointLoader|SaveImage", words), "no node class names"
        with_preview = [r for r in running if thumbnails(r)]
        assert with_preview, "the latest preview image is shown while running"
        assert all(
            thumbnails(r)[0]["media"]["url"].rsplit("/", 1)[-1].startswith("preview.") for r in with_preview
        ), "as the Thumbnail beside the progress"
        # At most one progress edit per interval on this message (the final edit is not throttled).
        times = [r.at for r in message.revisions[1:-1]]
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        assert all(gap >= reporting.edit_interval_s * 0.9 for gap in gaps), gaps
        assert_no_repeated_revisions(message)

        # The result: one PNG in the gallery, the seed and job id, and the buttons.
        [attachment] = message.attachments
        assert attachment.filename.endswith(".png")
        assert attachment.content_type == "image/png", "declared as what it is, so every client previews it"
        assert [i["media"]["url"] for i in gallery_items(message)] == [attachment.url]
        assert (message.content, message.embeds) == ("", [])
        job = await world.job_for(message)
        assert labelled(message)["Seed"] == str(job.seed)
        assert footers(message)[-1].startswith(f"Job #{job.id} · done")
        custom_ids = [b["custom_id"] for b in buttons(message)]
        assert custom_ids[0] == f"job:reroll:{job.id}"
        assert custom_ids[-2:] == [f"job:info:{job.id}", f"job:delete:{job.id}"]
        assert {f"res:subtle:{job.id}:0", f"res:strong:{job.id}:0"} <= set(custom_ids)

        # The database knows the message and the uploaded file's URL.
        assert job.status.value == "succeeded"
        assert job.response_message_id == message.id
        _, artifacts = await world.delivered(job.id)
        assert [(a.message_id, a.attachment_url) for a in artifacts] == [
            (message.id, message.attachments[0].url)
        ]
        # Downloaded under the prompt's words and the job's number, as Midjourney names it; kept on disk as
        # ComfyUI named it.
        assert attachment.filename == f"a_red_fox_in_the_snow_{job.id}.png"
        assert (world.data_dir / artifacts[0].path).name != attachment.filename


async def test_inline_flags_set_the_parameters_and_explicit_options_win(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        prompt = "a castle --ar 16:9 --no fog, rain --seed 42 --q 2 --style anime"
        interaction = await world.slash("imagine", {"prompt": prompt, "quality": "draft"})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert job.params.prompt == "a castle"
        assert job.params.aspect_ratio == "16:9"
        assert job.params.negative_prompt == "fog, rain"
        assert job.params.style_tags == ["anime"]
        assert job.params.quality == "draft"  # the option beats --q 2
        assert job.seed == 42
        assert job.raw_input == prompt
        fields = labelled(message)
        assert fields["Seed"] == "42"
        assert fields["Aspect ratio"] == "16:9"


async def test_a_json_prompt_document_is_read_before_answering(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"prompt": "a lighthouse", "aspect_ratio": "9:16", "style_tags": ["watercolor"]}
        interaction = await world.slash(
            "imagine",
            {"prompt": "--seed 5"},
            attachments={"document": ("prompt.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert job.params.prompt == "a lighthouse"
        assert job.params.aspect_ratio == "9:16"
        assert job.params.style_tags == ["watercolor"]
        assert job.seed == 5
        assert world.emu.cdn_downloads, "the bot downloaded the attached document"


async def test_a_bad_document_is_answered_by_a_private_list_of_every_problem_and_nothing_public(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"prompt": "", "aspect_ratio": "99:1", "quality": "ultra", "colour": "red"}
        interaction = await world.slash(
            "imagine",
            {"prompt": "--seed 5"},
            attachments={"document": ("prompt.json", json.dumps(document).encode(), "application/json")},
        )
        await world.wait_acked(interaction)
        assert interaction.response_type == 4, "the first answer is the private refusal, no thinking message"
        assert world.bot_messages() == []
        error = world.emu.original_response(interaction)
        assert error.ephemeral
        for field in ("prompt", "aspect_ratio", "quality", "colour"):
            assert field in error.content, error.content
        assert "Traceback" not in error.content
        page = await world.runtime.browser.history(world.guild.id)
        assert page.jobs == ()


async def test_bad_inline_flags_get_a_private_error_without_any_public_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a cat --ar 99:1 --seed many"})
        await world.wait_acked(interaction)
        assert interaction.response_type == 4
        assert interaction.ephemeral
        reply = world.emu.original_response(interaction)
        assert "--ar" in reply.content
        assert "--seed" in reply.content
        assert world.bot_messages() == []


async def test_style_and_workflow_autocomplete(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        styles = await world.emu.send_autocomplete(
            world.guild,
            world.channel,
            world.alice,
            "imagine",
            {"prompt": "x", "style": "anime, wat"},
            "style",
        )
        await world.emu.wait_for(lambda: styles.autocomplete_choices is not None)
        assert [c["value"] for c in styles.autocomplete_choices or []] == ["anime, watercolor"]
        workflows = await world.emu.send_autocomplete(
            world.guild, world.channel, world.alice, "imagine", {"prompt": "x", "workflow": ""}, "workflow"
        )
        await world.emu.wait_for(lambda: workflows.autocomplete_choices is not None)
        assert [c["value"] for c in workflows.autocomplete_choices or []] == ["txt2img"]


async def test_a_failed_job_says_why_and_what_to_do(database_url: str, tmp_path: Path) -> None:
    broken = FakeConfig(step_time_s=0.01, default_steps=4, runtime_error_class="KSampler")
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        interaction = await world.slash("imagine", {"prompt": "a broken sampler"})
        message = await world.wait_for_final(interaction, timeout=20)
        assert job_state(message) == "failed"
        [body, _footer] = texts(message)
        assert body.splitlines()[1], "the reason in plain words"
        assert "Traceback" not in text_of(message)
        assert "/imagine" in labelled(message)["What now"]
        assert buttons(message) == [], "no buttons on a failure"
        job = await world.job_for(message)
        assert job.status.value == "failed"


async def test_a_typed_stand_in_gives_way_to_the_documents_prompt_and_settings(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"prompt": "a lighthouse at dusk", "seed": 11, "count": 2, "workflow": "txt2img"}
        interaction = await world.slash(
            "imagine",
            {"prompt": "see attached document"},
            attachments={"document": ("prompt.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert (job.params.prompt, job.seed, job.params.count) == ("a lighthouse at dusk", 11, 2)
        assert job.workflow_name == "txt2img"
        assert world.notes(interaction) == [], "nothing to note: the document said it all"


async def test_a_document_alone_needs_no_typed_prompt(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"prompt": "a lighthouse at dusk"}
        interaction = await world.slash(
            "imagine",
            attachments={"document": ("prompt.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert job.params.prompt == "a lighthouse at dusk"
        assert job.raw_input == "a lighthouse at dusk", "history can find it by what it shows"


async def test_a_midjourney_prompt_pasted_as_it_is_shared_draws_its_words_and_says_what_was_left_out(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        prompt = (
            '/imagine prompt: "https://s.mj.run/x.png a red fox —ar 16: 9 --style raw --sref 12 34 --q 4"'
        )
        interaction = await world.slash("imagine", {"prompt": prompt})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert (job.params.prompt, job.params.aspect_ratio) == ("a red fox", "16:9")
        assert (job.params.quality, job.params.style_tags) == ("high", [])
        await world.emu.wait_for(lambda: interaction.followup_message_ids)
        [note] = world.notes(interaction)
        assert note.ephemeral
        assert "Ignored --style raw, --sref 12 34: Midjourney settings" in note.content
        assert "Left out https://s.mj.run/x.png: a link in a prompt is not read as a picture" in note.content


async def test_typed_values_over_the_document_and_ignored_midjourney_flags_are_told_privately(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"prompt": "a lighthouse at dusk", "seed": 11}
        interaction = await world.slash(
            "imagine",
            {"prompt": "a red fox --seed 3 --v 6 --stylize 250 --tile"},
            attachments={"document": ("prompt.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        assert (job.params.prompt, job.seed) == ("a red fox", 3)
        await world.emu.wait_for(lambda: interaction.followup_message_ids)
        [note] = world.notes(interaction)
        assert note.ephemeral
        assert "Used --seed (3) instead of the document's seed (11)." in note.content
        assert "Ignored --v 6, --stylize 250, --tile" in note.content
        assert not message.ephemeral
        assert message.id != note.id, "the note did not take the job's place"
