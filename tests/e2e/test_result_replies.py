"""Replying to a result with a mention of the bot runs that result again with the reply as the prompt;
without the mention the bot reads nothing (no message-content intent) and does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import LimitReached
from core.jobs.derived import MadeFrom, ResultAction
from core.jobs.service import JobRequest, JobService, SubmitReceipt
from core.texts import Text
from db.units.job_inputs import JobInputStore
from tests.discord_emulator.layout import texts
from tests.e2e.harness import job_state, running_world
from tests.e2e.result_support import (
    assert_started_from,
    first_result,
    linked,
    message_of,
    new_job_message,
    said_in,
)


async def test_a_reply_that_mentions_the_bot_remixes_the_result(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        known = len(world.job_messages())
        # The ping of a reply to an interaction response does not mention the bot: the bot cannot read
        # this one, and makes nothing of it (the mentioned reply after it is the first job to appear).
        await world.emu.send_message(world.channel, world.alice, "at night", reply_to=result)
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} the same at night", reply_to=result
        )
        message = await new_job_message(world, known)
        job = await world.job_for(message)
        await assert_started_from(world, job, original, artifact)
        assert job.params.prompt == "the same at night"  # type: ignore[attr-defined]
        assert job.user_id == world.alice.id
        assert MadeFrom.read(job.seed_document) == MadeFrom(
            original.id, ResultAction.REPLY, message=message_of(result)
        )
        assert f"Remix of {linked(original.id, result)}" in texts(message)[0]
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == (job.id,)


async def test_a_refused_reply_is_told_briefly_and_makes_nothing(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(world.channel, world.bob, f"{mention} mine now", reply_to=result)
        notice = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if "only the person who asked" in m.content), None)
        )
        assert world.bob.id in notice.notified_user_ids
        await world.emu.wait_for(lambda: notice.deleted, 5)

        await world.emu.send_message(world.channel, world.alice, mention, reply_to=result)
        empty = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if "Write the new prompt" in m.content), None)
        )
        assert world.alice.id in empty.notified_user_ids
        assert [job_state(m) for m in world.job_messages()] == ["done"]
        assert await JobInputStore(world.runtime.sessions).made_from(original.id) == ()


async def test_a_reply_may_start_from_one_image_of_several(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, artifacts = await first_result(world, {"count": 2})
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(world.channel, world.alice, f"{mention} #2 bluer", reply_to=result)
        message = await new_job_message(world, known)
        job = await world.job_for(message)
        await assert_started_from(world, job, original, artifacts[1])
        assert job.params.prompt == "bluer"  # type: ignore[attr-defined]
        assert f"Remix of {linked(original.id, result)}, image 2" in texts(message)[0]


async def test_a_reply_with_permutations_and_flags_makes_a_job_for_each_prompt(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} a {{red, blue}} kite --ar 3:2 --v 6", reply_to=result
        )
        made = [await new_job_message(world, known), await new_job_message(world, known + 1)]
        jobs = [await world.job_for(message) for message in made]
        for job in jobs:
            await assert_started_from(world, job, original, artifact)
        note = await world.emu.wait_for(  # a notice lives briefly: found once deleted too
            lambda: next((m for m in said_in(world) if "Ignored --v 6" in m.content), None), 5
        )

    assert sorted(j.params.prompt for j in jobs) == ["a blue kite", "a red kite"]  # type: ignore[attr-defined]
    assert {j.params.aspect_ratio for j in jobs} == {"3:2"}  # type: ignore[attr-defined]
    assert world.alice.id in note.notified_user_ids


async def test_a_reply_refused_once_the_first_is_queued_says_which_prompts_were_not(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = JobService.submit
    submitted: list[str] = []

    async def full_after_one(self: JobService, request: JobRequest) -> SubmitReceipt:
        # The queue fills up after the check of all three prompts: the second one's turn finds it full.
        if request.made_from is not None and submitted:
            raise LimitReached(Text("limits.queued_many", "You have 10 jobs queued …", {"count": 10}))
        if request.made_from is not None:
            submitted.append(request.raw_input)
        return await submit(self, request)

    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world)
        monkeypatch.setattr(JobService, "submit", full_after_one)
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} a {{red, blue, green}} kite", reply_to=result
        )
        await new_job_message(world, known)
        notice = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if "10 jobs queued" in m.content), None), 5
        )

    assert submitted == ["a red kite"]
    assert "a blue kite" in notice.content
    assert "a green kite" in notice.content


async def test_a_reply_tells_the_ignored_settings_of_any_of_its_prompts(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:

        def said() -> list[str]:  # notices included once deleted (they live briefly)
            return [
                m.content
                for m in world.emu.messages.get(world.channel.id, [])
                if m.author.id == world.emu.bot_user.id
            ]

        result, _, _ = await first_result(world)
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} a kite {{--ar 3:2, --v 6}}", reply_to=result
        )
        await new_job_message(world, known)
        await new_job_message(world, known + 1)
        await world.emu.wait_for(lambda: any("Ignored --v 6" in text for text in said()) or None, 5)


async def test_a_reply_may_start_from_a_different_image_for_each_prompt(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world, {"count": 2})
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} #{{1, 2}} at night", reply_to=result
        )
        made = [await new_job_message(world, known), await new_job_message(world, known + 1)]
        jobs = [await world.job_for(message) for message in made]
        read = sorted((MadeFrom.read(job.seed_document).index, job.params.prompt) for job in jobs)  # type: ignore[union-attr, attr-defined]

    assert read == [(0, "at night"), (1, "at night")]


async def test_a_reply_that_mentions_the_bot_is_no_error_in_the_log(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The bot has slash commands only: a mention is not a command prefix, so a reply's first word is not
    # looked up as a command (discord.py logged CommandNotFound at ERROR for every such reply).
    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world)
        known = len(world.job_messages())
        mention = world.emu.mention(world.emu.bot_user)
        caplog.clear()
        await world.emu.send_message(world.channel, world.alice, f"{mention} lighter please", reply_to=result)
        await new_job_message(world, known)
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
