"""A result the classifier flags is posted in the server's log channel (/settings log channel:) by the
process that ran its job, through the real discord.py and the emulator: a `worker` with no gateway posts
it over REST, in the server's language read over REST; the one-process bot posts it exactly once. A
request refused at a `gateway` is posted by the gateway, once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.settings import Role
from core.safety.checker import SafetyConfig
from tests.core.safety.stand_in import MarkerClassifier, seed_colour
from tests.discord_emulator import Channel, Member
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World, job_state
from tests.e2e.roles_support import worker_running
from tests.e2e.test_history_support import answer
from tests.e2e.test_moderation_log import entries_stored, entries_stored_in, listed, posts_settled_by
from tests.e2e.test_settings import settings

FLAGGED_SEED = 7  # the stand-in classifier flags the fake ComfyUI's picture for this seed
LABEL = r"FEMALE\_BREAST\_EXPOSED"  # as the post writes it, its markdown escaped


@contextlib.asynccontextmanager
async def flagging_world(
    database_url: str, tmp_path: Path, *, role: Role = "all", **options: Any
) -> AsyncIterator[tuple[World, Member, Channel]]:
    """The bot with the stand-in classifier, results held back when flagged, and a log channel chosen."""
    classifier = MarkerClassifier(seed_colour(FLAGGED_SEED))
    safety = SafetyConfig(classifier)
    async with world_with_admin(database_url, tmp_path, safety=safety, role=role, **options) as (
        world,
        admin,
    ):
        mod_log = world.emu.add_channel(world.guild, "mod-log")
        await world.emu.guild_create(world.guild)
        await answer(world, await settings(world, admin, "log", {"channel": mod_log}))
        await answer(world, await settings(world, admin, "safety", {"mode": "withhold"}))
        yield world, admin, mod_log


async def withheld_job(world: World) -> None:
    interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": FLAGGED_SEED})
    message = await world.wait_for_final(interaction)
    assert job_state(message) == "withheld"


async def test_a_result_flagged_in_a_worker_is_posted_over_rest_in_the_servers_language(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        flagging_world(postgres_url, tmp_path, role="gateway") as (world, _, mod_log),
        worker_running(world, "worker-1") as worker,
    ):
        world.guild.preferred_locale = "de"  # read by the worker over REST: it has no gateway's cache
        with (
            entries_stored(world) as at_gateway,
            entries_stored_in(worker.runtime) as at_worker,
            posts_settled_by(world.bot) as by_gateway,
            posts_settled_by(worker) as by_worker,
        ):
            await withheld_job(world)
            [entry] = await at_worker.wait(1)
            await by_worker.wait(1)
        posts = world.bot_messages(mod_log)

    assert worker.ws is None, "the worker never opened a gateway connection"
    assert at_gateway.entries == [], "the gateway ran no job: the worker checked the result"
    assert (entry.action.value, entry.rule) == ("withheld", "flagged_result:FEMALE_BREAST_EXPOSED")
    assert by_worker.posts == [(entry.id, True)]
    assert by_gateway.posts == []
    [post] = posts
    line = listed(post)
    assert f"<@{world.alice.id}> · **Zurückgehalten** · Ergebnis markiert ({LABEL})" in line
    assert f"Auftrag #{entry.job_id}" in line
    assert post.notified_user_ids == []  # named, never pinged


async def test_a_result_flagged_in_the_one_process_bot_is_posted_once(
    database_url: str, tmp_path: Path
) -> None:
    async with flagging_world(database_url, tmp_path) as (world, admin, mod_log):
        with entries_stored(world) as stored, posts_settled_by(world.bot) as settled:
            await withheld_job(world)
            [entry] = await stored.wait(1)
            await settled.wait(1)
            log = await answer(world, await settings(world, admin, "log"))
        posts = world.bot_messages(mod_log)

    assert settled.posts == [(entry.id, True)]
    [post] = posts
    assert f"**Withheld** · Result flagged ({LABEL}) · job #{entry.job_id}" in listed(post)
    assert listed(log).count("Result flagged") == 1


async def test_a_request_refused_at_a_gateway_is_posted_by_the_gateway_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        flagging_world(postgres_url, tmp_path, role="gateway") as (world, admin, mod_log),
        worker_running(world, "worker-1") as worker,
    ):
        await answer(world, await settings(world, admin, "add", {"words": "gore"}, group="blocked-words"))
        with (
            entries_stored(world) as at_gateway,
            posts_settled_by(world.bot) as by_gateway,
            posts_settled_by(worker) as by_worker,
        ):
            refused = await answer(world, await world.slash("imagine", {"prompt": "a gore scene"}))
            [entry] = await at_gateway.wait(1)
            await by_gateway.wait(1)
        posts = world.bot_messages(mod_log)

    assert refused.ephemeral
    assert (entry.action.value, entry.rule, entry.job_id) == ("refused", "blocked_word:gore", None)
    assert by_gateway.posts == [(entry.id, True)]
    assert by_worker.posts == [], "the worker stored no entry: it has none to post"
    [post] = posts
    assert f"<@{world.alice.id}> · **Refused** · Blocked word (gore)" in listed(post)
    assert post.notified_user_ids == []
