"""Requests made from a finished result, without Discord: the file is the stored artifact, the rules are
the guild's, and every refusal comes before anything is stored."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from core.errors import JobNotFound, NotAllowed, UserFacingError
from core.jobs.derived import MadeFrom, ResultAction
from core.jobs.policy import Requester
from db.models import Job
from db.units.job_inputs import JobInputStore
from tests.core.jobs.harness import image_request, running_core, song_request, wait_delivered
from tests.core.kinds.workflows import own_image_to_image_graph
from tests.fakes.comfyui import FakeComfyUI

ALICE, BOB = Requester(user_id=10, channel_id=101), Requester(user_id=11, channel_id=101)


async def test_a_request_from_a_result_carries_its_file_and_its_source(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(image_request(prompt="a red fox", count=2))
        await observer.final(receipt.job.id)
        await wait_delivered(runtime, receipt.job.id)
        _, artifacts = await runtime.service.get_with_artifacts(receipt.job.id, guild_id=1)

        request = await runtime.results.request(
            ResultAction.VARY_SUBTLE, receipt.job.id, 1, guild_id=1, requester=ALICE
        )
        [given] = request.inputs
        assert given.data == (tmp_path / "data" / artifacts[1].path).read_bytes()
        assert (given.role, given.origin, given.source_job_id) == ("image", "result", receipt.job.id)
        assert request.made_from == MadeFrom(receipt.job.id, ResultAction.VARY_SUBTLE, 1, 2)
        assert request.params.strength == 0.35  # type: ignore[attr-defined]
        assert request.params.seed is None, "a new seed is drawn when it is submitted"
        assert request.params.count == 2
        assert runtime.results.offered(receipt.job, artifacts)[:3] == (
            ResultAction.VARY_SUBTLE,
            ResultAction.VARY_STRONG,
            ResultAction.REMIX,
        )

        with pytest.raises(UserFacingError, match="there is no number 3"):
            await runtime.results.request(
                ResultAction.VARY_STRONG, receipt.job.id, 2, guild_id=1, requester=ALICE
            )
        with pytest.raises(NotAllowed):
            await runtime.results.request(
                ResultAction.VARY_STRONG, receipt.job.id, 0, guild_id=1, requester=BOB
            )
        with pytest.raises(JobNotFound):
            await runtime.results.request(
                ResultAction.VARY_STRONG, receipt.job.id, 0, guild_id=2, requester=ALICE
            )
        with pytest.raises(UserFacingError, match="works from a song"):
            await runtime.results.request(ResultAction.COVER, receipt.job.id, 0, guild_id=1, requester=ALICE)
        with pytest.raises(UserFacingError, match="prompt"):
            await runtime.results.request(
                ResultAction.REMIX, receipt.job.id, 0, guild_id=1, requester=ALICE, text=" "
            )
        assert await JobInputStore(runtime.sessions).made_from(receipt.job.id) == ()


async def test_zoom_out_keeps_the_prompt_and_what_is_made_from_it_is_not_zoomed_again(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        first = await runtime.service.submit(image_request(prompt="a red fox", count=1))
        await observer.final(first.job.id)
        await wait_delivered(runtime, first.job.id)
        first_job, artifacts = await runtime.service.get_with_artifacts(first.job.id, guild_id=1)
        assert {ResultAction.ZOOM_OUT_2X, ResultAction.PAN_LEFT} <= set(
            runtime.results.offered(first_job, artifacts)
        )

        request = await runtime.results.request(
            ResultAction.ZOOM_OUT_2X, first.job.id, 0, guild_id=1, requester=ALICE
        )
        assert request.params.zoom == 2.0  # type: ignore[attr-defined]
        assert request.params.prompt == "a red fox"  # type: ignore[attr-defined]
        assert request.params.strength is None  # type: ignore[attr-defined]
        zoomed = await runtime.service.submit(request)
        await observer.final(zoomed.job.id)
        await wait_delivered(runtime, zoomed.job.id)
        zoomed_job, zoomed_files = await runtime.service.get_with_artifacts(zoomed.job.id, guild_id=1)
        assert zoomed_job.status.value == "succeeded"
        assert (zoomed_files[0].width, zoomed_files[0].height) == (artifacts[0].width, artifacts[0].height)

        again = await runtime.results.request(
            ResultAction.VARY_STRONG, zoomed.job.id, 0, guild_id=1, requester=ALICE
        )
        assert again.params.zoom is None  # type: ignore[attr-defined]
        rerolled = await runtime.results.regeneration(zoomed.job.id, guild_id=1, requester=ALICE)
        assert rerolled.params.zoom == 2.0  # type: ignore[attr-defined]  # the same request again


async def test_a_zoom_rerolled_after_its_workflow_stopped_taking_zooms_is_refused_before_any_answer(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    # It loads the picture itself: its pictures are the input's size, with no canvas of its own.
    (workflows / "img2img.json").write_text(json.dumps(own_image_to_image_graph()))
    data = tmp_path / "data"
    async with running_core(database_url, [fake_comfy.url], data, workflows_dir=workflows) as (
        runtime,
        observer,
    ):
        first = await runtime.service.submit(image_request(prompt="a red fox"))
        await observer.final(first.job.id)
        await wait_delivered(runtime, first.job.id)
        request = await runtime.results.request(
            ResultAction.PAN_UP, first.job.id, 0, guild_id=1, requester=ALICE
        )
        zoomed = await runtime.service.submit(request)
        await observer.final(zoomed.job.id)
        # The job's workflow is replaced by one that can't pan (as an operator may, under the same name).
        async with runtime.sessions.begin() as session:
            await session.execute(update(Job).where(Job.id == zoomed.job.id).values(workflow_name="img2img"))

        with pytest.raises(UserFacingError, match="can't zoom out or pan"):
            await runtime.results.regeneration(zoomed.job.id, guild_id=1, requester=ALICE)
        plain = await runtime.results.regeneration(first.job.id, guild_id=1, requester=ALICE)
        assert plain.params.prompt == "a red fox"  # type: ignore[attr-defined]


async def test_flags_typed_in_a_remix_prompt_change_those_parameters_instead_of_being_drawn(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(image_request(prompt="a red fox", negative_prompt="rain"))
        await observer.final(receipt.job.id)
        await wait_delivered(runtime, receipt.job.id)

        def remix(text: str, **changes: object) -> Any:
            return runtime.results.request(
                ResultAction.REMIX, receipt.job.id, 0, guild_id=1, requester=ALICE, text=text, changes=changes
            )

        flagged = (
            await remix("a blue fox --ar 16:9 --no snow --seed 7 --v 6", negative_prompt="rain")
        ).params
        plain = (await remix("a blue fox")).params
        with pytest.raises(UserFacingError) as refused:
            await remix("a blue fox --ar 99:1")

    assert (flagged.prompt, flagged.aspect_ratio, flagged.seed) == ("a blue fox", "16:9", 7)  # type: ignore[attr-defined]
    assert flagged.negative_prompt == "snow", "a flag typed in the prompt wins over the form's field"  # type: ignore[attr-defined]
    assert (plain.prompt, plain.aspect_ratio, plain.negative_prompt) == ("a blue fox", "1:1", "rain")  # type: ignore[attr-defined]
    assert "--ar 99:1" in refused.value.user_message


async def test_a_zoom_flag_in_a_remix_of_a_workflow_that_cannot_zoom_is_refused_before_any_answer(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    (workflows / "img2img.json").write_text(json.dumps(own_image_to_image_graph()))
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", workflows_dir=workflows) as (
        runtime,
        observer,
    ):
        first = await runtime.service.submit(image_request(prompt="a red fox"))
        await observer.final(first.job.id)
        await wait_delivered(runtime, first.job.id)
        async with runtime.sessions.begin() as session:
            await session.execute(update(Job).where(Job.id == first.job.id).values(workflow_name="img2img"))

        with pytest.raises(UserFacingError, match="can't zoom out or pan"):
            await runtime.results.request(
                ResultAction.REMIX, first.job.id, 0, guild_id=1, requester=ALICE, text="a fox --zoom 2"
            )
        remixed = await runtime.results.request(
            ResultAction.REMIX, first.job.id, 0, guild_id=1, requester=ALICE, text="a fox --ar 3:2"
        )

    assert remixed.params.aspect_ratio == "3:2"  # type: ignore[attr-defined]


async def test_a_cover_with_new_lyrics_sings_them_in_their_own_language_not_the_one_typed_for_the_old(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    """`/song language:` names the language of the lyrics it came with: a Cover that rewrites them in a
    language their letters settle reads it from them again; lyrics kept, or new ones that settle nothing
    (romaji), keep the language typed."""
    japanese = "[verse]\n君の笑顔が見たくて\n[chorus]\n夜空に光る星"  # laid out again by the form: the same
    original = song_request(lyrics=japanese)
    original = replace(original, params=original.params.model_copy(update={"language": "ja"}))
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        receipt = await runtime.service.submit(original)
        await observer.final(receipt.job.id)
        await wait_delivered(runtime, receipt.job.id)

        async def cover(lyrics: str) -> object:
            request = await runtime.results.request(
                ResultAction.COVER, receipt.job.id, 0, guild_id=1, requester=ALICE, text=lyrics
            )
            return getattr(request.params, "language", "absent")

        english = "[verse]\nI walked along the river and the night was cold\n[chorus]\nYou are the one"
        assert await cover(english) is None, "read from the new lyrics when it is bound"
        assert await cover(japanese) == "ja"
        assert await cover("[verse]\nkimi no egao ga mitakute") == "ja"
