"""Permutation prompts (`a {red, blue} bird`): one /imagine, a job for each prompt, each on a message of its
own: the first on the command's response, the others on its followups."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.reporting.reporter import JobReporter
from bot.reporting.tracking import JobTrack
from core.errors import LimitReached
from core.jobs.scopes import personal_scope
from core.jobs.service import JobRequest, JobService, SubmitReceipt
from core.queue.limits import GuildLimits
from core.texts import Text
from db.enums import DeliveryState
from tests.discord_emulator import Interaction, Message
from tests.discord_emulator.layout import text_of
from tests.e2e.harness import World, all_final, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.e2e.test_private_results import SLOW, _prefer


async def _refused_at_once(world: World, interaction: Interaction) -> Message:
    await world.wait_acked(interaction)
    assert (interaction.response_type, interaction.ephemeral) == (4, True)
    assert interaction.followup_message_ids == []
    refusal = world.emu.original_response(interaction)
    assert "Traceback" not in refusal.content
    return refusal


async def test_each_prompt_of_a_permutation_is_a_job_on_a_message_of_its_own(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a {red, blue} bird --ar {1:1, 16:9}"})
        messages = await all_final(world, interaction, 4)
        jobs = [await world.job_for(m) for m in messages]
        delivered = [await world.delivered(j.id) for j in jobs]
        pings = [m for m in world.emu.followups(interaction) if job_state(m) is None]

    assert messages[0].id == world.emu.original_response(interaction).id, "the first on the response"
    assert [j.raw_input for j in jobs] == [
        "a red bird --ar 1:1",
        "a red bird --ar 16:9",
        "a blue bird --ar 1:1",
        "a blue bird --ar 16:9",
    ]
    assert [j.params.prompt for j in jobs] == ["a red bird"] * 2 + ["a blue bird"] * 2
    assert [j.params.aspect_ratio for j in jobs] == ["1:1", "16:9"] * 2
    assert len({j.id for j in jobs}) == 4
    assert all(job_state(m) == "done" and m.attachments for m in messages)
    assert not any(m.ephemeral for m in messages), "public, as the response is"
    assert "a blue bird" in text_of(messages[2])
    assert [settled.delivery_state for settled, _ in delivered] == [DeliveryState.DELIVERED] * 4
    for message, (_, artifacts) in zip(messages, delivered, strict=True):
        assert {a.message_id for a in artifacts} == {message.id}
    # Each job's ping names it: one each, whichever message it came after.
    assert sorted(p.content for p in pings) == sorted(
        f"<@{world.alice.id}> your image is ready (job #{j.id})." for j in jobs
    )


async def test_a_private_members_permutations_are_all_private(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _prefer(world, world.alice, "private")
        interaction = await world.slash("imagine", {"prompt": "a {red, blue} tram"})
        messages = await all_final(world, interaction, 2)
        jobs = [await world.job_for(m) for m in messages]
        delivered = [await world.delivered(j.id) for j in jobs]
        pings = [m for m in world.emu.followups(interaction) if job_state(m) is None]

    assert all(m.ephemeral for m in messages)
    assert world.bot_messages() == [], "nothing in the channel for everyone"
    # The second job's ping goes through its followup's token too: ephemeral, as only an application's
    # webhook may send.
    assert [settled.delivery_state for settled, _ in delivered] == [DeliveryState.DELIVERED] * 2
    assert sorted(p.content for p in pings) == sorted(
        f"<@{world.alice.id}> your image is ready (job #{j.id})." for j in jobs
    )
    assert all(p.ephemeral for p in pings)


@pytest.mark.parametrize(
    ("prompt", "said"),
    [
        ("a {a, b, c, d, e} bird", "makes 5 prompts from its braces; at most 4 at once"),
        ("a {red, blue bird", "has a `{` that is never closed"),
        ("a red} bird", "has a `}` with no `{` before it"),
    ],
)
async def test_a_permutation_that_cannot_be_made_is_refused_privately_and_queues_nothing(
    database_url: str, tmp_path: Path, prompt: str, said: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        refusal = await _refused_at_once(world, await world.slash("imagine", {"prompt": prompt}))
        history = await world.runtime.browser.history(world.guild.id)

    assert said in refusal.content
    assert history.jobs == ()


async def test_permutations_that_do_not_fit_the_members_queue_are_refused_whole(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"max_queued_per_user": 2})
        refusal = await _refused_at_once(world, await world.slash("imagine", {"prompt": "{a, b, c} tram"}))
        fits = await world.slash("imagine", {"prompt": "{a, b} tram"})
        done = await all_final(world, fits, 2)
        history = await world.runtime.browser.history(world.guild.id)

    assert "This prompt makes 3 jobs, and your queue has room for 2 more." in refusal.content
    assert sorted(j.raw_input for j in history.jobs) == ["a tram", "b tram"]
    assert len(done) == 2


async def test_a_permutation_refused_once_the_first_is_queued_says_which_prompts_were_not(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Admission counted every job; the queue then moved on (another request of the member's, say) before
    # the second was submitted.
    submit = JobService.submit
    submitted: list[str] = []

    async def full_after_one(self: JobService, request: JobRequest) -> SubmitReceipt:
        if submitted:
            raise LimitReached(Text("limits.queued_many", "You have 10 jobs queued, …", {"count": 10}))
        submitted.append(request.raw_input)
        return await submit(self, request)

    async with running_world(database_url, tmp_path) as world:
        monkeypatch.setattr(JobService, "submit", full_after_one)
        interaction = await world.slash("imagine", {"prompt": "a {red, blue, green} kite"})
        [first] = await all_final(world, interaction, 1)
        await world.emu.wait_for(lambda: any(m.ephemeral for m in world.emu.followups(interaction)))
        followups = world.emu.followups(interaction)

    assert first.id == world.emu.original_response(interaction).id
    assert not first.deleted
    assert job_state(first) == "done"
    [placeholder, note] = followups
    assert placeholder.deleted, "the refused job's placeholder is taken away"
    assert note.ephemeral
    assert "You have 10 jobs queued" in note.content
    assert "Not queued (2):\n• a blue kite\n• a green kite" in note.content


async def test_a_private_permutation_caught_by_a_restart_ends_in_its_own_followup_through_the_kept_token(
    database_url: str, tmp_path: Path
) -> None:
    # Private: only the interaction's token reaches these messages, so each must be found again by its own
    # id (PATCH /webhooks/{application}/{token}/messages/{id}), the followup's as much as the response's.
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        await _prefer(world, world.alice, "private")
        interaction = await world.slash("imagine", {"prompt": "a {long, short} night"})
        await world.wait_acked(interaction)
        await world.emu.wait_for(
            lambda: any(job_state(m) is not None for m in world.emu.followups(interaction)), 20
        )
        await world.restart_bot()
        messages = await all_final(world, interaction, 2)
        jobs = [await world.job_for(m) for m in messages]
        delivered = [await world.delivered(j.id) for j in jobs]

    assert [j.raw_input for j in jobs] == ["a long night", "a short night"]
    assert all(m.ephemeral and job_state(m) == "done" for m in messages)
    for message, (settled, artifacts) in zip(messages, delivered, strict=True):
        assert [a.message_id for a in artifacts] == [message.id] * len(artifacts)
        assert settled.response_message_id == message.id
    assert world.job_messages() == [], "never posted anew in the channel"


async def test_permutations_where_only_the_users_install_reaches_make_two_jobs_at_most(
    database_url: str, tmp_path: Path
) -> None:
    # There the interaction may send 5 followups at most (400/40094 after): a placeholder, a note, two pings
    # and a "not queued" fit.
    async with running_world(database_url, tmp_path, personal_limits=GuildLimits()) as world:
        await world.bot.tree.sync()
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        dm = world.emu.dm_channel(carol)
        refused = await world.emu.send_slash_command(
            None, dm, carol, "imagine", {"prompt": "a {red, blue, pink} kite"}
        )
        refusal = await _refused_at_once(world, refused)
        interaction = await world.emu.send_slash_command(
            None, dm, carol, "imagine", {"prompt": "a {red, blue} kite --v 6"}
        )
        messages = await all_final(world, interaction, 2)
        scope = personal_scope(carol.id)
        jobs = [await world.runtime.browser.job_for_message(m.id, guild_id=scope) for m in messages]
        for job in jobs:
            assert job is not None
            await world.delivered(job.id, guild_id=scope)
        others = [m for m in world.emu.followups(interaction) if job_state(m) is None]

    assert "makes 3 prompts from its braces; at most 2 at once" in refusal.content
    assert [j.raw_input for j in jobs if j is not None] == ["a red kite --v 6", "a blue kite --v 6"]
    assert all(job_state(m) == "done" and m.attachments for m in messages)
    assert len([m for m in others if " is ready (job #" in m.content]) == 2, "both pinged"
    assert len(others) == 3, "and the note"


async def test_a_note_about_how_the_prompts_were_read_is_told_once(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a {red, blue} bird --v 6"})
        messages = await all_final(world, interaction, 2)
        jobs = [await world.job_for(m) for m in messages]
        notes = [m for m in world.notes(interaction) if job_state(m) is None]

    assert [j.raw_input for j in jobs] == ["a red bird --v 6", "a blue bird --v 6"]
    [note] = notes
    assert note.ephemeral
    assert note.content.startswith("Ignored --v")


async def test_permutations_delivered_again_after_a_restart_ping_once_each(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a {red, blue} lamp"})
        messages = await all_final(world, interaction, 2)
        jobs = [await world.job_for(m) for m in messages]
        for job in jobs:
            await world.delivered(job.id)
            # As if the bot had died after the pings but before it recorded the deliveries.
            assert await world.runtime.store.mark_delivery(
                job.id, [DeliveryState.DELIVERED], DeliveryState.DELIVERING
            )
        edits_before = [len(m.revisions) for m in messages]
        await world.restart_bot()
        for job in jobs:
            await world.delivered(job.id)
        pings = [m for m in world.bot_messages() if " is ready (job #" in m.content]

    assert all(len(m.revisions) > n for m, n in zip(messages, edits_before, strict=True)), "delivered again"
    assert sorted(p.content for p in pings) == sorted(
        f"<@{world.alice.id}> your image is ready (job #{j.id})." for j in jobs
    ), "each job's ping once"


@contextlib.asynccontextmanager
async def _gateway_whose_worker_edits_first(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    """A gateway edits a job's message once, unless a worker claimed the job first: then the gateway leaves
    it alone, and a followup sent while the response still says "thinking…" would become it."""

    async def worker_was_first(self: JobReporter, track: JobTrack) -> None:
        self._tracks.pop(track.job_id, None)

    monkeypatch.setattr(JobReporter, "_show_once", worker_was_first)
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        yield world


async def test_a_permutation_at_a_gateway_is_run_by_a_worker_each_job_on_its_own_message(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The response was made the first placeholder before any followup, so none takes its place.
    async with _gateway_whose_worker_edits_first(postgres_url, tmp_path, monkeypatch) as world:
        interaction = await world.slash("imagine", {"prompt": "a {red, blue, green} fox"})
        messages = await all_final(world, interaction, 3)
        jobs = [await world.job_for(m) for m in messages]

    assert [j.raw_input for j in jobs] == ["a red fox", "a blue fox", "a green fox"]
    assert [j.response_message_id for j in jobs] == [m.id for m in messages]
    assert len({m.id for m in messages}) == 3
    assert all(job_state(m) == "done" and m.attachments for m in messages)


async def test_when_the_response_cannot_be_held_only_the_first_prompt_is_made_and_the_rest_are_named(
    database_url: str, tmp_path: Path
) -> None:
    # The response is edited into the first placeholder before any followup (or a followup could become
    # it); if Discord refuses that edit, the first job goes on alone.
    async with running_world(database_url, tmp_path) as world:
        refused = world.emu.fail_next("PATCH", r"^/webhooks/\d+/[^/]+/messages/@original$", 400, code=50035)
        interaction = await world.slash("imagine", {"prompt": "a {red, blue} boat"})
        [first] = await all_final(world, interaction, 1)
        await world.emu.wait_for(lambda: any(m.ephemeral for m in world.emu.followups(interaction)))
        job = await world.job_for(first)
        history = await world.runtime.browser.history(world.guild.id)

    assert refused.hits == 1
    assert job.raw_input == "a red boat"
    assert [j.id for j in history.jobs] == [job.id]
    [note] = [m for m in world.emu.followups(interaction) if m.ephemeral]  # (and the completion ping)
    assert note.content == "Not queued (1):\n• a blue boat"


async def test_a_note_at_a_gateway_never_takes_the_place_of_the_response_a_worker_shows(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One prompt, but a note follows it: a followup all the same, which would become the "thinking…"
    # response (and the result, edited there by the worker, be lost) if it came first.
    async with _gateway_whose_worker_edits_first(postgres_url, tmp_path, monkeypatch) as world:
        interaction = await world.slash("imagine", {"prompt": "a red bird --v 6"})
        [message] = await all_final(world, interaction, 1)
        await world.emu.wait_for(lambda: any(m.ephemeral for m in world.emu.followups(interaction)))
        [note] = [m for m in world.emu.followups(interaction) if m.ephemeral]

    assert message.id == world.emu.original_response(interaction).id
    assert job_state(message) == "done"
    assert message.attachments
    assert note.content.startswith("Ignored --v")
