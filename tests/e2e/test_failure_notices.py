"""A job that fails on the server side is told in the server's log channel (/settings log channel:), through
the real discord.py and the emulator: which job, whose (named, never pinged), why, and what the server said;
failures alike within the window are counted and told once when it ends (the window's clock moved by hand);
nothing without a log channel, nothing for a cancelled job, and a log channel the bot may not post in is
one warning line, not a crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import pytest

from bot.client import ComfyBot
from bot.reporting.log_channel import LogPost
from core.jobs.failure_notices import FailureNotice, FailureNoticeSettings
from tests.discord_emulator import Channel, Member
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World, job_state
from tests.e2e.roles_support import worker_running
from tests.e2e.test_history_support import answer
from tests.e2e.test_settings import settings
from tests.fakes.comfyui import FakeConfig
from tests.fakes.manual_clock import ManualClock

WINDOW_S = 300.0
BROKEN = FakeConfig(step_time_s=0.01, default_steps=2, runtime_error_class="KSampler")
SERVER_SAID = "RuntimeError: KSampler: simulated failure"
PLAIN = "Something went wrong on the ComfyUI server while making this; the bot's operator has been told."


class Settled:
    """Each failure notice's post, once settled: (job id, how many more, posted)."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, int, bool]] = []
        self._changed = asyncio.Event()

    def __call__(self, notice: FailureNotice, posted: bool) -> None:
        self.posts.append((notice.failure.job.id, notice.more, posted))
        self._changed.set()

    async def wait(self, count: int) -> list[tuple[int, int, bool]]:
        async with asyncio.timeout(10):
            while len(self.posts) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.posts


def posts_settled(world: World) -> contextlib.AbstractContextManager[Settled]:
    return posts_settled_on(world.bot)


@contextlib.contextmanager
def posts_settled_on(bot: ComfyBot) -> Iterator[Settled]:
    settled = Settled()
    stop = bot.failure_posts.subscribe(settled)
    try:
        yield settled
    finally:
        stop()


@contextlib.asynccontextmanager
async def broken_server(
    database_url: str, tmp_path: Path, clock: ManualClock, *, log_channel: bool = True, **options: object
) -> AsyncIterator[tuple[World, Channel]]:
    """A world whose ComfyUI fails every job (unless told otherwise), its log channel set when asked."""
    notices = FailureNoticeSettings(window_s=WINDOW_S, sleep=clock.sleep)
    options.setdefault("fake_config", FakeConfig(**vars(BROKEN)))
    async with world_with_admin(database_url, tmp_path, failure_notices=notices, **options) as (world, admin):
        mod_log = world.emu.add_channel(world.guild, "mod-log")
        await world.emu.guild_create(world.guild)
        if log_channel:
            await answer(world, await settings(world, admin, "log", {"channel": mod_log}))
        yield world, mod_log


async def failed_job(world: World, member: Member | None = None) -> int:
    message = await world.wait_for_final(
        await world.slash("imagine", {"prompt": "a lighthouse"}, member=member)
    )
    assert job_state(message) == "failed"
    return (await world.job_for(message)).id


async def test_a_failure_is_posted_with_its_detail_and_failures_alike_are_counted_until_the_window_ends(
    database_url: str, tmp_path: Path
) -> None:
    clock = ManualClock()
    async with broken_server(database_url, tmp_path, clock) as (world, mod_log):
        with posts_settled(world) as settled:
            first = await failed_job(world)
            await settled.wait(1)
            first_posts = list(world.bot_messages(mod_log))
            second = await failed_job(world, world.bob)
            third = await failed_job(world)
            # Each failure is counted as it is written, before its message says it failed: a post for either
            # would have been begun by now, and the first one's was settled before them.
            posts_within_window = list(settled.posts)
            await clock.advance(WINDOW_S - 1)
            before_the_end = list(settled.posts)
            await clock.advance(1)
            await settled.wait(2)
            posts = world.bot_messages(mod_log)

    assert posts_within_window == before_the_end == [(first, 0, True)]
    [post] = first_posts
    assert post.content.startswith(
        f"⚠️ Job #{first} (image) of <@{world.alice.id}> failed on the server: {PLAIN}"
    )
    assert "What the server said:\n```\n" in post.content
    assert SERVER_SAID in post.content
    assert post.notified_user_ids == []  # named, never pinged
    assert settled.posts == [(first, 0, True), (third, 2, True)]
    assert [p.id for p in posts[:1]] == [post.id]
    later = posts[1]
    assert len(posts) == 2
    assert later.content.startswith(f"⚠️ …and 2 more jobs failed the same way since: {PLAIN}")
    assert f"The last was job #{third} (image) of <@{world.alice.id}>." in later.content
    assert SERVER_SAID in later.content
    assert later.notified_user_ids == []
    assert second not in (first, third)


async def test_without_a_log_channel_nothing_is_posted(database_url: str, tmp_path: Path) -> None:
    clock = ManualClock()
    async with broken_server(database_url, tmp_path, clock, log_channel=False) as (world, mod_log):
        with posts_settled(world) as settled:
            job_id = await failed_job(world)
            await settled.wait(1)
        sent = [m for channel in world.emu.messages.values() for m in channel]
        told = [m for m in sent if "failed on the server" in m.content]

    assert settled.posts == [(job_id, 0, False)]
    assert world.bot_messages(mod_log) == []
    assert told == [], "no channel got a notice"


async def test_a_cancelled_job_is_not_a_failure_to_tell(database_url: str, tmp_path: Path) -> None:
    clock = ManualClock()
    slow = FakeConfig(step_time_s=0.05, default_steps=40)
    async with broken_server(database_url, tmp_path, clock, fake_config=slow) as (world, mod_log):
        with posts_settled(world) as settled:
            _, message = await world.imagine_running("a slow lighthouse")
            await answer(world, await world.slash("cancel"))
            await world.wait_for_message_final(message)
            cancelled = await world.job_for(message)
            world.fake.config.runtime_error_class = "KSampler"
            world.fake.config.step_time_s = 0.01
            failed = await failed_job(world)
            await settled.wait(1)
        posts = world.bot_messages(mod_log)

    assert job_state(message) == "cancelled"
    assert settled.posts == [(failed, 0, True)], f"job {cancelled.id} was cancelled: nothing to tell"
    [post] = posts
    assert f"Job #{failed} (image)" in post.content


async def test_a_log_channel_the_bot_may_not_post_in_is_one_warning_and_no_crash(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.reporting.log_channel")
    clock = ManualClock()
    async with broken_server(database_url, tmp_path, clock) as (world, mod_log):
        no_sending = discord.Permissions(send_messages=True).value
        await world.emu.set_channel_permissions(mod_log, world.emu.bot_member(world.guild), deny=no_sending)
        with posts_settled(world) as settled:
            first = await failed_job(world)
            second = await failed_job(world)
            await settled.wait(1)
            await clock.advance(WINDOW_S)
            await settled.wait(2)
            after = await failed_job(world)  # the bot goes on as before

    assert settled.posts == [(first, 0, False), (second, 1, False)]
    assert world.bot_messages(mod_log) == []
    warnings = [
        r for r in caplog.records if r.name == "bot.reporting.log_channel" and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert str(mod_log.id) in warnings[0].getMessage()
    assert after > first


async def test_a_worker_without_gateway_posts_the_notice_over_rest_in_the_servers_language(
    postgres_url: str, tmp_path: Path
) -> None:
    clock = ManualClock()
    async with (
        broken_server(postgres_url, tmp_path, clock, role="gateway") as (world, mod_log),
        worker_running(world, "worker-1") as worker,
    ):
        world.guild.preferred_locale = "de"  # read by the worker over REST: it has no gateway's cache
        with posts_settled_on(worker) as settled:
            job_id = await failed_job(world)
            await settled.wait(1)
        [post] = world.bot_messages(mod_log)

    assert worker.ws is None, "the worker never opened a gateway connection"
    assert settled.posts == [(job_id, 0, True)]
    assert post.content.startswith(f"⚠️ Auftrag #{job_id} (Bild) von <@{world.alice.id}> ist auf dem Server")
    assert "Was der Server meldete:" in post.content
    assert SERVER_SAID in post.content
    assert post.notified_user_ids == []


async def test_a_log_channel_of_another_server_from_stale_data_is_never_posted_in(
    postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A guild's stored log channel that belongs to another server the bot is in (stale or damaged data,
    /settings log channel: only offers the server's own): neither the gateway's cache nor a worker's REST
    look may carry this server's failures there."""
    caplog.set_level(logging.WARNING, logger="bot.reporting.log_channel")
    clock = ManualClock()
    async with (
        broken_server(postgres_url, tmp_path, clock, role="gateway", log_channel=False) as (world, mod_log),
        worker_running(world, "worker-1") as worker,
    ):
        elsewhere = world.emu.add_guild(name="Another server")
        theirs = world.emu.add_channel(elsewhere, "their-log")
        await world.emu.guild_create(elsewhere)
        await world.bot.runtime.guild_policies.update(
            world.guild.id, {"moderation_log_channel_id": theirs.id}
        )
        with posts_settled_on(worker) as settled:
            job_id = await failed_job(world)
            await settled.wait(1)
        at_the_gateway = await world.bot.log_channel.post(
            world.guild.id, lambda _: LogPost(f"job #{job_id}"), what="failure notice"
        )

    assert settled.posts == [(job_id, 0, False)]
    assert at_the_gateway is False
    assert world.bot_messages(theirs) == []
    assert world.bot_messages(mod_log) == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.reporting.log_channel"]
    assert any(str(theirs.id) in said and "another server" in said for said in warnings), warnings


async def test_a_deleted_log_channel_is_one_warning_for_the_gateway_and_the_worker_alike(
    postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Deleted since it was set: gone from the gateway's cache, 404 (Unknown Channel) over REST."""
    caplog.set_level(logging.DEBUG, logger="bot.reporting.log_channel")
    clock = ManualClock()
    async with (
        broken_server(postgres_url, tmp_path, clock, role="gateway") as (world, mod_log),
        worker_running(world, "worker-1") as worker,
    ):
        await world.emu.delete_channel(mod_log)
        with posts_settled_on(worker) as settled:
            job_id = await failed_job(world)
            await settled.wait(1)
        at_the_gateway = [
            await world.bot.log_channel.post(world.guild.id, lambda _: LogPost("a note"), what="note")
            for _ in range(2)
        ]

    assert settled.posts == [(job_id, 0, False)]
    assert at_the_gateway == [False, False]
    assert world.bot_messages(mod_log) == []
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.reporting.log_channel" and r.levelno >= logging.WARNING
    ]
    # One process's warning each: the worker's, and the gateway's (its second refusal is quiet).
    assert len(warnings) == 2, warnings
    assert all(str(mod_log.id) in said for said in warnings)
