"""A refusal said where the whole channel reads it (to a reply or a reaction: there is no interaction to
answer privately) never names the server's blocked word, or anyone could learn the list a word at a time.
The member alone hears which word it was, by direct message, when they accept DMs from the bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.jobs.service import JobRequest, JobService, SubmitReceipt
from tests.discord_emulator import Member, Message
from tests.e2e.harness import World, running_world
from tests.e2e.result_support import first_result

PUBLIC = "Your request uses a word this server does not allow. Please rephrase it."
TOLD_BY_DM = "I've told you which one by direct message."


def notices_to(world: World, member: Member) -> list[Message]:
    """The bot's refusals of a word in the channel, to `member`, deleted ones too (they live briefly)."""
    return [
        m
        for m in world.emu.messages.get(world.channel.id, [])
        if m.author.id == world.emu.bot_user.id and m.content.startswith(f"<@{member.id}> {PUBLIC}")
    ]


def dms_to(world: World, member: Member) -> list[Message]:
    return list(world.emu.messages.get(world.emu.dm_channel(member).id, []))


async def next_notice(world: World, member: Member, known: int) -> Message:
    notices: list[Message] = await world.emu.wait_for(
        lambda: (found := notices_to(world, member))[known:] and found, 10
    )
    return notices[known]


async def test_a_reply_with_a_disguised_blocked_word_is_refused_without_naming_it_in_the_channel(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world)
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} G.0.R.Е everywhere", reply_to=result
        )
        told = await next_notice(world, world.alice, 0)
        [dm] = await world.emu.wait_for(lambda: dms_to(world, world.alice))

        world.alice.user.accepts_dms = False
        await world.emu.send_message(world.channel, world.alice, f"{mention} more gore", reply_to=result)
        closed = await next_notice(world, world.alice, 1)

    assert told.content == f"<@{world.alice.id}> {PUBLIC} {TOLD_BY_DM}"
    assert dm.content == (
        f"About your request in <#{world.channel.id}>: it contains a word this server blocks (“gore”). "
        "Please rephrase it."
    )
    assert closed.content == f"<@{world.alice.id}> {PUBLIC}", "no DM to point at, and still no word"
    assert len(dms_to(world, world.alice)) == 1
    assert len(world.job_messages()) == 1, "nothing was made"


async def test_a_reply_refused_for_a_blocked_word_after_its_first_prompt_is_queued_does_not_name_it(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = JobService.submit
    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world)

        async def blocked_after_one(self: JobService, request: JobRequest) -> SubmitReceipt:
            # The server blocks "blue" after every prompt was checked, while the first is being queued.
            receipt = await submit(self, request)
            await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["blue"]})
            return receipt

        monkeypatch.setattr(JobService, "submit", blocked_after_one)
        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(
            world.channel, world.alice, f"{mention} a {{red, blue}} kite", reply_to=result
        )
        notice = await next_notice(world, world.alice, 0)
        [dm] = await world.emu.wait_for(lambda: dms_to(world, world.alice))

    assert notice.content.startswith(f"<@{world.alice.id}> {PUBLIC} {TOLD_BY_DM}")
    assert "“blue”" not in notice.content
    assert "a blue kite" in notice.content, "the member's own prompt, listed as not queued"
    assert "(“blue”)" in dm.content


@pytest.mark.parametrize("emoji", ["🔁", "🌱", "🎲"])
async def test_a_reaction_refused_for_a_blocked_word_does_not_name_it_in_the_channel(
    database_url: str, tmp_path: Path, emoji: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, _, _ = await first_result(world)  # "a paper boat"
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["boat"]})
        await world.emu.add_reaction(result, world.channel, world.alice, emoji)
        told = await next_notice(world, world.alice, 0)
        [dm] = await world.emu.wait_for(lambda: dms_to(world, world.alice))

        world.alice.user.accepts_dms = False
        await world.emu.remove_reaction(result, world.channel, world.alice, emoji)
        await world.emu.add_reaction(result, world.channel, world.alice, emoji)
        closed = await next_notice(world, world.alice, 1)

    assert told.content == f"<@{world.alice.id}> {PUBLIC} {TOLD_BY_DM}"
    assert "(“boat”)" in dm.content
    assert closed.content == f"<@{world.alice.id}> {PUBLIC}"
    assert len(world.job_messages()) == 1, "nothing was made"
