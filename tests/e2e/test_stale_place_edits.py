"""A job's "queued", shown by a process that does not run the job, never lands over what the worker running
it showed afterwards (db/units/place_edits.py): here the gateway's one edit of the message, held in flight
while a worker claims, runs and delivers the job."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.reporting.targets import MessageTarget
from bot.ui.job_messages import Rendering
from core.jobs.snapshots import JobView
from core.jobs.updates import JobCompleted, JobUpdate
from db.engine import create_engine
from tests.discord_emulator import MessageRevision
from tests.discord_emulator.layout import text_of
from tests.e2e.harness import running_world
from tests.e2e.job_messages import job_state
from tests.e2e.roles_support import worker_running

pytestmark = pytest.mark.postgres


async def _until_edits_wait_for_the_held_one(database_url: str, edits: int = 1) -> None:
    """This many of the worker's edits of the job wait behind the held one: seen only in PostgreSQL's lock
    queue, where each waits for the advisory lock exclusively (db/units/place_edits.py: after_place_edits)."""
    engine = create_engine(database_url)
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ExclusiveLock' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    try:
        async with asyncio.timeout(15), engine.connect() as connection:
            while await connection.scalar(query) < edits:  # noqa: ASYNC110 - PostgreSQL's lock queue has no event
                await asyncio.sleep(0.005)
    finally:
        await engine.dispose()


async def test_a_queued_edit_held_while_a_worker_delivers_the_job_lands_before_the_result(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gateway's "queued" is in flight while a worker claims the job, runs it and delivers it: the
    worker's edits, its result among them, wait for it, so the result is what the member sees last."""
    async with running_world(postgres_url, tmp_path, role="gateway") as world:
        editor = world.bot.reporter.editor
        send_edit = editor.edit
        held, release, landed = asyncio.Event(), asyncio.Event(), asyncio.Event()

        async def held_edit(target: MessageTarget, rendering: Rendering) -> object:
            held.set()
            await release.wait()
            sent = await send_edit(target, rendering)
            landed.set()
            return sent

        monkeypatch.setattr(editor, "edit", held_edit)
        world.fake.hold()  # the job waits on its server until the test listens to the worker

        interaction = await world.slash("imagine", {"prompt": "a red fox"})
        # The gateway's "queued" is in flight before any worker can claim the job (none runs yet: one that
        # claimed it first would rightly keep that edit from being sent at all).
        await asyncio.wait_for(held.wait(), 15)
        async with worker_running(world, "worker-1") as worker:
            delivering = asyncio.Event()
            job_updated = worker.reporter.job_updated

            async def heard(job: JobView, update: JobUpdate) -> None:
                if isinstance(update, JobCompleted):
                    delivering.set()
                await job_updated(job, update)

            monkeypatch.setattr(worker.reporter, "job_updated", heard)
            delivered = asyncio.Event()
            worker.runtime.dispatcher.delivery.events.subscribe(lambda *_: delivered.set())

            # The worker's "sent to the server" waits for the held edit first, so that the second edit
            # waiting is the result's.
            await _until_edits_wait_for_the_held_one(world.database_url)
            world.fake.go()
            await asyncio.wait_for(delivering.wait(), 30)  # the worker ran the job and delivers it...
            await _until_edits_wait_for_the_held_one(world.database_url, 2)  # ...behind the held edit
            message = world.emu.original_response(interaction)
            assert [job_state(revision) for revision in message.revisions] == [None], "only thinking… so far"
            release.set()
            await asyncio.wait_for(delivered.wait(), 30)

        assert landed.is_set(), "the held edit was sent"
        shown = [_shown(revision) for revision in message.revisions]
        assert shown[0] is None  # "thinking…"
        assert shown[1:] == sorted(shown[1:], key=_ORDER.index), shown
        assert shown[1] == "queued", "the held edit landed first"
        assert shown[-1] == "done"


async def test_a_queued_edit_held_while_the_job_waits_on_its_server_lands_before_it_says_so(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's "sent to the server" (its prompt waits there, PREQUEUE_DEPTH) is the owner's first edit:
    it waits for the gateway's "queued" still in flight, so the member never sees the job's place in the
    bot's queue after its place on the server, nor after it ran."""
    async with running_world(postgres_url, tmp_path, role="gateway") as world:
        editor = world.bot.reporter.editor
        send_edit = editor.edit
        held, release = asyncio.Event(), asyncio.Event()

        async def held_edit(target: MessageTarget, rendering: Rendering) -> object:
            held.set()
            await release.wait()
            return await send_edit(target, rendering)

        monkeypatch.setattr(editor, "edit", held_edit)
        world.fake.hold()  # the server takes the prompt but does not begin it

        interaction = await world.slash("imagine", {"prompt": "a red fox"})
        # The gateway's "queued" is in flight before any worker can claim the job (none runs yet: one that
        # claimed it first would rightly keep that edit from being sent at all).
        await asyncio.wait_for(held.wait(), 15)
        async with worker_running(world, "worker-1"):
            await _until_edits_wait_for_the_held_one(world.database_url)  # the worker's waits for it
            message = world.emu.original_response(interaction)
            assert [job_state(revision) for revision in message.revisions] == [None], "only thinking… so far"
            release.set()
            await world.emu.wait_for(lambda: "sent to the server" in text_of(message), 15)
            world.fake.go()
            await world.wait_for_final(interaction, 30)

        shown = [_shown(revision) for revision in message.revisions]
        assert shown[0] is None  # "thinking…"
        assert shown[1:] == sorted(shown[1:], key=_ORDER.index), shown
        assert shown[1:3] == ["queued", "on the server"], "the held edit landed, then the worker's"
        assert shown[-1] == "done"


_ORDER = ["queued", "on the server", "running", "done"]


def _shown(revision: MessageRevision) -> str | None:
    state = job_state(revision)
    if state == "queued" and "sent to the server" in text_of(revision):
        return "on the server"
    return state
