"""The moderation log through the real discord.py and the emulator: what the guild's rules refused is
listed for managers only (/settings log, private, newest first, this guild's entries only), posted in the
log channel a manager chose, and deleted once past its retention."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.client import ComfyBot
from bot.runtime import CoreRuntime
from core.errors import NotAllowed
from core.moderation import ModerationAction, ModerationEntry
from core.moderation.log import LoggedEntry
from core.moderation.settings import ModerationSettings
from tests.discord_emulator import Message
from tests.e2e.harness import World, form_id
from tests.e2e.test_history_support import answer, control_id, submit
from tests.e2e.test_settings import settings, world_with_admin


class EntriesStored:
    """The entries the core stored from now on (it announces each one after its write)."""

    def __init__(self) -> None:
        self.entries: list[LoggedEntry] = []
        self._changed = asyncio.Event()

    def __call__(self, entry: LoggedEntry) -> None:
        self.entries.append(entry)
        self._changed.set()

    async def wait(self, count: int) -> list[LoggedEntry]:
        async with asyncio.timeout(5):
            while len(self.entries) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.entries


def entries_stored(world: World) -> contextlib.AbstractContextManager[EntriesStored]:
    return entries_stored_in(world.runtime)


@contextlib.contextmanager
def entries_stored_in(runtime: CoreRuntime) -> Iterator[EntriesStored]:
    """The entries stored by this runtime's process (a worker's, say) from now on."""
    stored = EntriesStored()
    stop = runtime.moderation.events.subscribe(stored)
    try:
        yield stored
    finally:
        stop()


class PostsSettled:
    """Each moderation log entry's post by one process, once settled: (entry id, posted)."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, bool]] = []
        self._changed = asyncio.Event()

    def __call__(self, entry: LoggedEntry, posted: bool) -> None:
        self.posts.append((entry.id, posted))
        self._changed.set()

    async def wait(self, count: int) -> list[tuple[int, bool]]:
        async with asyncio.timeout(10):
            while len(self.posts) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.posts


@contextlib.contextmanager
def posts_settled_by(bot: ComfyBot) -> Iterator[PostsSettled]:
    settled = PostsSettled()
    stop = bot.moderation_posts.subscribe(settled)
    try:
        yield settled
    finally:
        stop()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def two_or_more(messages: list[Message]) -> list[Message] | None:
    return messages if len(messages) >= 2 else None


def listed(message: Message) -> str:
    [embed] = message.embeds
    return str(embed.get("description", ""))


async def test_a_refused_blocked_word_is_listed_for_a_manager_and_posted_in_the_log_channel(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        mod_log = world.emu.add_channel(world.guild, "mod-log")
        await world.emu.guild_create(world.guild)
        chosen = await answer(world, await settings(world, admin, "log", {"channel": mod_log}))
        await answer(world, await settings(world, admin, "add", {"words": "gore"}, group="blocked-words"))
        with entries_stored(world) as stored:
            refused = await answer(world, await world.slash("imagine", {"prompt": "a g0re scene at dawn"}))
            [entry] = await stored.wait(1)
        posted = await world.emu.wait_for(lambda: world.bot_messages(mod_log))
        log = await answer(world, await settings(world, admin, "log"))
    assert chosen.ephemeral
    assert chosen.content == f"From now on I post each moderation log entry in <#{mod_log.id}>."
    assert refused.ephemeral
    assert "(“gore”)" in refused.content
    assert (entry.guild_id, entry.user_id, entry.job_id) == (world.guild.id, world.alice.id, None)
    assert (entry.rule, entry.excerpt, entry.action) == (
        "blocked_word:gore",
        "a g0re scene at dawn",
        "refused",
    )
    assert log.ephemeral
    assert log.embeds[0]["title"] == "Moderation log"
    line = listed(log)
    assert f"<@{world.alice.id}> · **Refused** · Blocked word (gore)" in line
    assert "> a g0re scene at dawn" in line
    [post] = posted
    assert f"<@{world.alice.id}> · **Refused** · Blocked word (gore)" in listed(post)
    assert post.notified_user_ids == []  # named, never pinged


async def test_a_refusal_after_the_song_form_or_at_submit_is_logged_once(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        command = await world.slash("song", {})
        await world.wait_acked(command)  # the form is open: the rules allowed it then
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["neon"]})
        with entries_stored(world) as stored:
            form = await world.emu.submit_modal(
                form_id(command), {"song:lyrics": "[verse]\nNeon rain"}, world.alice, world.channel
            )
            await world.wait_acked(form)
            with pytest.raises(NotAllowed):
                await submit(world, world.bob, "neon lights")  # straight to the core's submit
            entries = await stored.wait(2)
        log = await answer(world, await settings(world, admin, "log"))
    assert sorted((e.user_id, e.rule) for e in entries) == sorted(
        [(world.alice.id, "blocked_word:neon"), (world.bob.id, "blocked_word:neon")]
    )
    assert "> [verse] Neon rain" in listed(log)  # the lyrics on one line
    assert listed(log).count("Blocked word (neon)") == 2


async def test_a_refusal_repeated_within_a_minute_is_logged_and_posted_once(
    database_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    async with world_with_admin(database_url, tmp_path, moderation=ModerationSettings(clock=clock)) as (
        world,
        admin,
    ):
        mod_log = world.emu.add_channel(world.guild, "mod-log")
        await world.emu.guild_create(world.guild)
        await answer(world, await settings(world, admin, "log", {"channel": mod_log}))
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        with entries_stored(world) as stored:
            refusals = []
            for prompt in ("gore", "gore", "gore", "gore again"):
                if prompt == "gore again":
                    clock.now += timedelta(minutes=1)
                refusals.append(await answer(world, await world.slash("imagine", {"prompt": prompt})))
            entries = await stored.wait(2)  # in the order stored: a repeat let through would come second
        posts = await world.emu.wait_for(lambda: two_or_more(world.bot_messages(mod_log)))
        log = await answer(world, await settings(world, admin, "log"))
    assert all("(“gore”)" in refusal.content for refusal in refusals), "every request is still refused"
    assert [e.excerpt for e in entries] == ["gore", "gore again"]
    assert listed(log).count("Blocked word (gore)") == 2
    assert len(posts) == 2


async def test_a_member_without_manage_server_is_refused_privately(database_url: str, tmp_path: Path) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, _):
        member = await answer(world, await settings(world, world.alice, "log"))
        moderator = await answer(world, await settings(world, world.mod, "log", {"channel": world.channel}))
        policy = await world.runtime.guild_policies.get(world.guild.id)
    assert member.ephemeral
    assert member.content == "You need the Manage Server permission to see the moderation log here."
    assert member.embeds == []
    assert moderator.content == member.content  # Manage Messages is not enough
    assert policy.moderation_log_channel_id is None


async def test_another_guilds_entries_never_show_and_pages_go_newest_first(
    database_url: str, tmp_path: Path
) -> None:
    clock = Clock()  # a member's refusals by one rule are logged once a minute: each is a minute apart
    moderation = ModerationSettings(clock=clock)
    async with world_with_admin(database_url, tmp_path, moderation=moderation) as (world, admin):
        other = world.emu.add_guild(name="Other Club")
        other_channel = world.emu.add_channel(other, "general")
        stranger = world.emu.add_member(other, name="stranger")
        await world.emu.guild_create(other)
        await world.runtime.guild_policies.update(other.id, {"blocked_words": ["secret"]})
        await world.runtime.guild_policies.update(world.guild.id, {"nsfw_channels_only": True})
        with entries_stored(world) as stored:
            await answer(
                world,
                await world.emu.send_slash_command(
                    other, other_channel, stranger, "imagine", {"prompt": "the secret plan"}
                ),
            )
            for number in range(11):
                await answer(world, await world.slash("imagine", {"prompt": f"picture {number}"}))
                clock.now += timedelta(minutes=1)
            await stored.wait(12)
        first = await answer(world, await settings(world, admin, "log"))
        first_page = listed(first)  # the message is edited in place when its page turns
        turned = await world.emu.click_button(first, control_id(first, "modlog:older"), admin)
        await world.wait_acked(turned)
        await world.emu.wait_for(lambda: "Page 2" in world.emu.message(first.id).embeds[0]["footer"]["text"])
    assert "secret" not in first_page
    assert first_page.count("Age-restricted channels only") == 10
    assert (
        first_page.index("picture 10") < first_page.index("picture 1\n")
        if "picture 1\n" in first_page
        else True
    )
    assert "picture 0" not in first_page
    second_page = listed(world.emu.message(first.id))
    assert "picture 0" in second_page
    assert "secret" not in second_page
    assert second_page.count("Age-restricted channels only") == 1


async def test_a_channel_the_bot_cannot_post_in_is_refused_and_a_failed_post_changes_nothing(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.reporting.log_channel")
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        closed = world.emu.add_channel(world.guild, "closed")
        await world.emu.guild_create(world.guild)
        bot_member = world.emu.bot_member(world.guild)
        await world.emu.set_channel_permissions(
            closed, bot_member, deny=discord.Permissions(send_messages=True).value
        )
        refused = await answer(world, await settings(world, admin, "log", {"channel": closed}))
        policy = await world.runtime.guild_policies.get(world.guild.id)
        # Chosen while the bot could post, then taken away: the refusal and its entry stay as they are.
        await world.runtime.guild_policies.update(world.guild.id, {"moderation_log_channel_id": closed.id})
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore", "spam"]})
        with entries_stored(world) as stored, posts_settled_by(world.bot) as settled:
            request = await answer(world, await world.slash("imagine", {"prompt": "gore"}))
            [first] = await stored.wait(1)
            await settled.wait(1)
            await answer(world, await world.slash("imagine", {"prompt": "spam"}))
            [_, second] = await stored.wait(2)
            await settled.wait(2)
        failed = await world.emu.wait_for_calls("POST", rf"/channels/{closed.id}/messages$", count=2)
        log = await answer(world, await settings(world, admin, "log"))
    assert refused.ephemeral
    assert refused.content == (
        f"I can't post in <#{closed.id}>: I'm missing Send Messages there. "
        "Give me that permission and try again."
    )
    assert policy.moderation_log_channel_id is None
    assert request.ephemeral
    assert "gore" in request.content
    assert [call.status for call in failed] == [403, 403]
    assert settled.posts == [(first.id, False), (second.id, False)]
    assert "Blocked word (gore)" in listed(log)
    warnings = [
        r for r in caplog.records if r.name == "bot.reporting.log_channel" and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]  # then quiet until a post succeeds
    assert str(closed.id) in warnings[0].getMessage()


async def test_entries_past_their_retention_are_deleted_by_the_sweep(
    database_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    moderation = ModerationSettings(keep_days=30, sweep_interval_s=0.05, clock=clock)
    async with world_with_admin(database_url, tmp_path, moderation=moderation) as (world, admin):
        with entries_stored(world) as stored:
            for excerpt in ("first old one", "second old one"):
                await world.runtime.moderation.record(
                    ModerationEntry(
                        world.guild.id,
                        world.alice.id,
                        7,
                        "flagged_result",
                        excerpt,
                        ModerationAction.WITHHELD,
                    )
                )
            await stored.wait(2)
            clock.now += timedelta(days=29)
            await world.runtime.moderation.record(
                ModerationEntry(
                    world.guild.id, world.bob.id, None, "nsfw_channel", "recent", ModerationAction.REFUSED
                )
            )
            await stored.wait(3)
        clock.now += timedelta(days=2)  # the first two are 31 days old, the last one 2 days
        await world.runtime.moderation_retention.wait_deleted(2)
        log = await answer(world, await settings(world, admin, "log"))
    page = listed(log)
    assert "recent" in page
    assert "old one" not in page
    assert "entries are kept 30 days" in log.embeds[0]["footer"]["text"]
