"""Prompts posted quietly (comfy.quiet) against the fake ComfyUI on real sockets: none of their frames reach
the client, and they still end with their files, their failure or their interruption, read from history
when the server's queue shrinks."""

from __future__ import annotations

import asyncio
from typing import Any

from comfy import errors, events
from comfy.client import ComfyClient
from comfy.protocol import ServerMessage
from tests.comfy.conftest import ClientFactory, audio_graph, collect, graph
from tests.comfy.test_client_recovery import long_sampler
from tests.core.jobs.harness import eventually
from tests.fakes.comfyui import FakeComfyUI


def text_frames(client: ComfyClient) -> list[tuple[str, str | None]]:
    """(type, prompt id) of every text frame the client's socket receives from now on."""
    seen: list[tuple[str, str | None]] = []
    on_text = client._ws._on_text

    def text(message: ServerMessage) -> None:
        seen.append((message.type, message.prompt_id))
        on_text(message)

    client._ws._on_text = text
    return seen


async def test_a_quiet_prompt_ends_with_its_files_and_run_time_and_its_frames_go_nowhere(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, client_id="bot-quiet")
    seen = text_frames(client)

    got = await collect(await client.submit(graph("image_emptyimage_saveimage"), "quiet-1", quiet=True))

    assert [type(event) for event in got] == [events.Completed]
    completed = got[0]
    assert isinstance(completed, events.Completed)
    assert [f.kind for f in completed.files] == ["images", "images"]
    assert completed.run_s is not None
    assert completed.run_s >= 0
    assert fake_comfy.prompts_received[-1]["client_id"] == "bot-quiet.quiet"
    assert ("status", None) in seen
    assert all(prompt_id is None for _, prompt_id in seen), "not one frame of the prompt reached the socket"
    assert {kind for kind, _ in seen} <= {"status", "feature_flags"}
    assert client._quiet.reads >= 1
    assert client.in_flight == 0


async def test_a_loud_prompt_beside_a_quiet_one_still_gets_every_frame(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    quiet = await client.submit(graph("image_emptyimage_saveimage"), "quiet-2", quiet=True)
    loud = await client.submit(graph("image_emptyimage_saveimage"), "loud-2")

    quiet_got, loud_got = await asyncio.gather(collect(quiet), collect(loud))

    assert [type(event) for event in quiet_got] == [events.Completed]
    assert events.Started("loud-2") in loud_got
    assert any(isinstance(event, events.Executed) for event in loud_got)
    assert isinstance(loud_got[-1], events.Completed)
    assert loud_got[-1].files


async def test_a_quiet_prompt_that_fails_ends_failed_with_its_node_and_message(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    workflow = await audio_graph(client, "runtime_error_split_mono", channels=1)

    run = await client.submit(workflow, "quiet-fail", quiet=True)

    got = await collect(run)
    failed = got[-1]
    assert isinstance(failed, events.Failed)
    assert failed.error.node_type == "SplitAudioChannels"
    assert failed.error.user_message.startswith("The job failed in SplitAudioChannels")


async def test_a_quiet_prompt_cancelled_while_it_runs_ends_interrupted(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    run = await client.submit(long_sampler(), "quiet-stop", quiet=True)
    await eventually(lambda: fake_comfy.running_prompt_id == "quiet-stop")

    outcome = await client.cancel("quiet-stop")

    assert outcome == "interrupted"
    assert isinstance(run.outcome, events.Interrupted)
    assert {"prompt_id": "quiet-stop"} in fake_comfy.interrupts


async def test_another_clients_prompt_ending_first_leaves_the_quiet_one_waiting_for_its_own_end(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    ours = await make_client(fake_comfy.url, client_id="ours")
    theirs = await make_client(fake_comfy.url, client_id="theirs")
    fake_comfy.hold_mid_run()
    their_run = await theirs.submit(graph("image_emptyimage_saveimage"), "theirs-1")
    our_run = await ours.submit(graph("image_emptyimage_saveimage"), "ours-1", quiet=True)
    await eventually(lambda: fake_comfy.running_prompt_id == "theirs-1")

    fake_comfy.hold()  # ours does not start when theirs ends...
    fake_comfy.executor.stepping.set()  # ...which it now may
    await their_run.result(timeout_s=5)
    await eventually(lambda: ours._quiet.reads == 1 and not ours._quiet._reader.running)

    assert not our_run.done, "their end is not taken for ours"
    fake_comfy.go()
    completed = await our_run.result(timeout_s=5)
    assert completed.files
    assert ours._quiet.reads == 2


async def test_a_quiet_prompt_whose_history_read_failed_is_found_by_the_silence_watch(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, silence_timeout_s=0.3)
    real = client.http.recent_history
    failures: list[int] = []

    async def unreadable_once(max_items: int) -> Any:
        if not failures:
            failures.append(max_items)
            raise errors.BackendUnavailable("history unreadable")
        return await real(max_items)

    client.http.recent_history = unreadable_once  # type: ignore[method-assign]

    completed = await (
        await client.submit(graph("image_emptyimage_saveimage"), "quiet-3", quiet=True)
    ).result(timeout_s=5)

    assert failures, "the read after the shrink failed"
    assert completed.files


async def test_a_quiet_prompt_running_while_the_socket_drops_ends_after_the_reconnect(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    fake_comfy.hold_mid_run()
    run = await client.submit(graph("image_emptyimage_saveimage"), "quiet-4", quiet=True)
    await eventually(lambda: fake_comfy.running_prompt_id == "quiet-4")

    await client.reconnect()
    fake_comfy.go()

    got = await collect(run)
    assert isinstance(got[-1], events.Completed)
    assert got[-1].files


async def test_a_quiet_prompt_posted_with_another_behind_another_clients_prompt_is_cancelled_from_the_queue(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    ours = await make_client(fake_comfy.url, client_id="ours")
    theirs = await make_client(fake_comfy.url, client_id="theirs")
    fake_comfy.hold_mid_run()
    await theirs.submit(long_sampler(), "theirs-1")
    await eventually(lambda: fake_comfy.running_prompt_id == "theirs-1" and ours.queue_remaining == 1)
    first, _ = await asyncio.gather(  # as the executor posts a backend's places at one moment
        ours.submit(graph("image_emptyimage_saveimage"), "ours-1", quiet=True),
        ours.submit(graph("image_emptyimage_saveimage"), "ours-2", quiet=True),
    )
    await eventually(lambda: ours.queue_remaining == 3)

    assert await ours.cancel("ours-1") == "removed"
    assert isinstance(first.outcome, events.Interrupted)
