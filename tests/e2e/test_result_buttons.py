"""The buttons of a whole result: reroll, info, delete; they keep working after a restart. One file's
actions (Vary, Remix, Edit, Upscale, Cover) are in test_result_actions.py and its neighbours."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from tests.discord_emulator import Message
from tests.e2e.harness import World, running_world


async def _first_result(world: World, prompt: str = "a paper boat --seed 7") -> Message:
    interaction = await world.slash("imagine", {"prompt": prompt})
    return await world.wait_for_final(interaction)


async def test_reroll_makes_a_new_job_with_the_same_parameters_and_a_new_seed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        # By default only the requester may regenerate: bob is told privately, and nothing public was ever
        # made: the refusal is the first answer (type 4, ephemeral), not a "thinking…" (type 5).
        refused = await world.emu.click_button(result, f"job:reroll:{original.id}", world.bob)
        await world.wait_acked(refused)
        assert (refused.response_type, refused.ephemeral) == (4, True)
        reply = world.emu.original_response(refused)
        assert reply.ephemeral
        assert "only the person who asked" in reply.content
        assert refused.followup_message_ids == []

        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.bob)
        rerolled = await world.wait_for_final(click)
        assert rerolled.id != result.id, "a new message; the original result stays"
        job = await world.job_for(rerolled)
        assert job.parent_id == original.id
        assert job.user_id == world.bob.id, "the clicking member's job, under their limits"
        assert job.seed != original.seed
        assert job.params.prompt == original.params.prompt
        assert not result.deleted


async def test_info_shows_every_parameter_privately(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world, "a paper boat --seed 7 --ar 3:2 --no people")
        job = await world.job_for(result)
        click = await world.emu.click_button(result, f"job:info:{job.id}", world.bob)
        await world.emu.wait_for(lambda: click.acked and world.emu.original_response(click).embeds)
        info = world.emu.original_response(click)
        assert info.ephemeral
        text = str(info.embeds[0])
        for expected in ("a paper boat", "3:2", "people", "7", "txt2img", f"Job #{job.id}"):
            assert expected in text, expected


async def test_delete_is_for_the_requester_or_a_moderator(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        job = await world.job_for(result)
        refused = await world.emu.click_button(result, f"job:delete:{job.id}", world.bob)
        await world.emu.wait_for(lambda: refused.followup_message_ids)
        [reply] = world.emu.followups(refused)
        assert reply.ephemeral
        assert "Only the person who asked" in reply.content
        assert not result.deleted

        allowed = await world.emu.click_button(result, f"job:delete:{job.id}", world.mod)
        await world.emu.wait_for(lambda: result.deleted)
        assert allowed.response_type == 6, "acknowledged without a visible message"

        second = await _first_result(world, "a second boat")
        second_job = await world.job_for(second)
        await world.emu.click_button(second, f"job:delete:{second_job.id}", world.alice)
        await world.emu.wait_for(lambda: second.deleted)


async def test_buttons_keep_working_after_the_bot_restarted(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _first_result(world)
        original = await world.job_for(result)
        await world.restart_bot()
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.alice)
        rerolled = await world.wait_for_final(click)
        assert (await world.job_for(rerolled)).parent_id == original.id
        info = await world.emu.click_button(result, f"job:info:{original.id}", world.alice)
        await world.emu.wait_for(lambda: info.acked and world.emu.original_response(info).embeds)


class _Deletions(logging.Handler):
    """Set once the bot has logged `wanted` deletions of a result: each press's handler ran to its end."""

    def __init__(self, wanted: int) -> None:
        super().__init__(logging.INFO)
        self.wanted, self.seen, self.done = wanted, 0, asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "result deleted by" in record.getMessage():
            self.seen += 1
            if self.seen == self.wanted:
                self.done.set()


async def test_delete_pressed_twice_at_once_deletes_and_says_nothing_went_wrong(
    database_url: str, tmp_path: Path
) -> None:
    # Two presses in flight together (a double click, or the requester and a moderator): the second finds
    # the message already gone (404 Unknown Message), which is what it asked for, not an error.
    deletions = _Deletions(2)
    logger = logging.getLogger("bot.exts.results")
    logger.addHandler(deletions)
    logger.setLevel(logging.INFO)
    try:
        async with running_world(database_url, tmp_path) as world:
            result = await _first_result(world)
            job = await world.job_for(result)
            clicks = await asyncio.gather(
                world.emu.click_button(result, f"job:delete:{job.id}", world.alice),
                world.emu.click_button(result, f"job:delete:{job.id}", world.mod),
            )
            async with asyncio.timeout(10):
                await deletions.done.wait()
            followups = [world.emu.followups(c) for c in clicks]
    finally:
        logger.removeHandler(deletions)
        logger.setLevel(logging.NOTSET)

    assert result.deleted
    assert followups == [[], []], "no 'Something went wrong' for either"
