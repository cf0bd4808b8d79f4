"""comfy.quiet.QuietRuns against a stub of ComfyUI's history and queue: reads that race the shrinks, reads
that other clients' prompts crowd, and when a quiet run is known to have started."""

from __future__ import annotations

import asyncio
from typing import Any

from background.tasks import BackgroundTasks
from comfy import events, protocol
from comfy.cancel import cancel_prompt
from comfy.quiet import QuietRuns
from comfy.run import PromptRun


def _entry(prompt_id: str) -> dict[str, Any]:
    return {
        "prompt": [0, prompt_id, {}, {}, []],
        "outputs": {"9": {"images": [{"filename": f"{prompt_id}.png", "subfolder": "", "type": "output"}]}},
        "status": {
            "status_str": "success",
            "completed": True,
            "messages": [
                ["execution_start", {"prompt_id": prompt_id, "timestamp": 1000}],
                ["execution_success", {"prompt_id": prompt_id, "timestamp": 1300}],
            ],
        },
    }


class StubHttp:
    """ComfyUI's history (insertion order = order ended) and queue; GET /history answered when released."""

    def __init__(self) -> None:
        self.done: dict[str, dict[str, Any]] = {}
        self.queue_ids: list[str] = []
        self.release = asyncio.Event()
        self.release.set()
        self.asked: list[int] = []

    async def recent_history(self, max_items: int) -> dict[str, Any]:
        self.asked.append(max_items)
        await self.release.wait()  # the request reaches the server only now (a busy loop, a slow network)
        return dict(list(self.done.items())[-max_items:])

    async def queue(self) -> protocol.QueueSnapshot:
        self.queue_reads = getattr(self, "queue_reads", 0) + 1
        return protocol.QueueSnapshot(running=tuple(self.queue_ids[:1]), pending=tuple(self.queue_ids[1:]))

    async def history(self, prompt_id: str) -> dict[str, Any] | None:
        return self.done.get(prompt_id)


async def test_a_quiet_run_whose_history_was_pushed_out_of_the_read_by_other_clients_still_ends() -> None:
    loop = asyncio.get_running_loop()
    http = StubHttp()
    run = PromptRun("ours", {}, loop_time=loop.time)
    run.quiet = run.accepted = True
    tasks = BackgroundTasks()
    quiet = QuietRuns(http, lambda: [run], tasks, backend="b")  # type: ignore[arg-type]
    remaining = 1

    def ends(prompt_id: str) -> None:  # PromptQueue.task_done: history written, then the shrink broadcast
        nonlocal remaining
        http.done[prompt_id] = _entry(prompt_id)
        quiet.queue_changed(remaining, remaining - 1)
        remaining -= 1

    http.release.clear()
    remaining = 7
    ends("ours")  # our quiet prompt ends: a read is sent...
    for n in range(6):  # ...and before the server answers it, six quick prompts of other clients end
        ends(f"theirs-{n}")
    http.release.set()
    await asyncio.sleep(0.05)

    assert quiet.reads >= 1
    try:
        assert run.done, (
            f"history holds it, but reads of {http.asked} newest entries never reach it: "
            "only the silence watch (silence_timeout_s, 30 s by default) ends it"
        )
        assert isinstance(run.outcome, events.Completed)
    finally:
        await tasks.close()


async def test_a_shrink_during_a_read_served_before_our_history_reads_again() -> None:
    loop = asyncio.get_running_loop()
    http = StubHttp()
    served = asyncio.Event()

    async def snapshot_then_wait(max_items: int) -> dict[str, Any]:
        got = dict(list(http.done.items())[-max_items:])  # served at once...
        served.set()
        await http.release.wait()  # ...its answer on its way back
        http.asked.append(max_items)
        return got

    http.recent_history = snapshot_then_wait  # type: ignore[method-assign]
    run = PromptRun("ours", {}, loop_time=loop.time)
    run.quiet = run.accepted = True
    tasks = BackgroundTasks()
    quiet = QuietRuns(http, lambda: [run], tasks, backend="b")  # type: ignore[arg-type]
    http.release.clear()
    http.done["theirs"] = _entry("theirs")
    quiet.queue_changed(2, 1)
    await served.wait()
    http.done["ours"] = _entry("ours")
    quiet.queue_changed(1, 0)
    http.release.set()
    await asyncio.sleep(0.05)
    try:
        assert run.done
        assert quiet.reads == 2
    finally:
        await tasks.close()


async def test_reads_that_overlap_the_last_one_look_nothing_up() -> None:
    loop = asyncio.get_running_loop()
    http = StubHttp()
    for n in range(20):
        http.done[f"old-{n}"] = _entry(f"old-{n}")
    run = PromptRun("ours", {}, loop_time=loop.time)
    run.quiet = run.accepted = True
    http.queue_ids = ["theirs-running", "ours"]
    tasks = BackgroundTasks()
    quiet = QuietRuns(http, lambda: [run], tasks, backend="b")  # type: ignore[arg-type]
    try:
        for n in range(6):  # their prompts end one at a time while ours waits
            http.done[f"theirs-{n}"] = _entry(f"theirs-{n}")
            quiet.queue_changed(10 - n, 9 - n)
            await asyncio.sleep(0.01)
        assert quiet.reads == 6
        assert getattr(http, "queue_reads", 0) <= 1  # only the first read has nothing to overlap
        assert not run.done
        http.queue_ids = []
        http.done["ours"] = _entry("ours")
        quiet.queue_changed(4, 3)
        await asyncio.sleep(0.01)
        assert isinstance(run.outcome, events.Completed)
    finally:
        await tasks.close()


def _quiet_runs(http: StubHttp, runs: list[PromptRun], tasks: BackgroundTasks) -> QuietRuns:
    return QuietRuns(http, lambda: runs, tasks, backend="b")  # type: ignore[arg-type]


def _posted(prompt_id: str, *, quiet: bool = True, answered: bool = True) -> PromptRun:
    """A run as ComfyClient.submit registers it: before its POST, which is `answered` or still on its way."""
    run = PromptRun(prompt_id, {}, loop_time=asyncio.get_running_loop().time)
    run.quiet, run.accepted = quiet, answered
    return run


class CancelStub(StubHttp):
    async def delete_pending(self, prompt_ids: list[str]) -> None:
        self.queue_ids = [p for i, p in enumerate(self.queue_ids) if i == 0 or p not in prompt_ids]

    async def interrupt(self, prompt_id: str) -> None:
        pass


async def test_the_oldest_quiet_run_starts_when_the_server_holds_only_ours() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    first, second = _posted("first"), _posted("second", answered=False)
    quiet = _quiet_runs(http, [first, second], tasks)
    try:
        quiet.queue_changed(0, 1)  # the first posted: ours alone, but the second's POST is on its way
        assert not first.start_told
        quiet.queue_changed(1, 2)  # the second reached the server, its answer not here yet
        assert not first.start_told, "a run counts once its POST is answered"
        second.accepted = True
        quiet.queue_changed(2, 2)  # the get of the first, told after both answers
        assert (first.start_told, second.start_told) == (True, False)
        assert not first.started, "the server never said so: cancel and reconcile go by that"

        http.done["first"] = _entry("first")
        quiet.queue_changed(2, 1)  # the first ended; the second runs once the read has ended the first
        await asyncio.sleep(0.01)
        told = [event async for event in first]
        assert [type(event) for event in told] == [events.Started, events.Completed]
        assert second.start_told
    finally:
        await tasks.close()


async def test_with_another_clients_prompt_there_no_quiet_run_is_said_to_start() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    ours = _posted("ours")
    quiet = _quiet_runs(http, [ours], tasks)
    try:
        quiet.queue_changed(1, 2)  # theirs runs, ours waits behind it
        assert not ours.start_told
    finally:
        await tasks.close()


async def test_a_loud_run_first_in_line_is_left_to_its_own_frames() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    loud, quiet_one = _posted("loud", quiet=False), _posted("quiet")
    quiet = _quiet_runs(http, [loud, quiet_one], tasks)
    try:
        quiet.queue_changed(1, 2)
        assert not loud.start_told, "its execution_start frame says so"
        assert not quiet_one.start_told, "it waits behind the loud one"
    finally:
        await tasks.close()


async def test_a_run_whose_post_is_still_on_its_way_is_not_said_to_start() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    ours = _posted("ours", answered=False)
    quiet = _quiet_runs(http, [ours], tasks)
    try:
        quiet.queue_changed(0, 2)  # theirs runs, a second of theirs waits
        http.done["theirs-1"] = _entry("theirs-1")
        quiet.queue_changed(2, 1)  # theirs-1 ended, theirs-2 runs: one at the server, one run of ours
        await asyncio.sleep(0.01)
        assert not ours.start_told, "theirs-2 runs; ours is not even queued yet"
    finally:
        await tasks.close()


async def test_two_runs_posted_together_behind_another_clients_prompt_are_not_said_to_start() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    first, second = _posted("first"), _posted("second", answered=False)
    quiet = _quiet_runs(http, [first, second], tasks)
    try:
        quiet.queue_changed(0, 1)  # theirs runs
        quiet.queue_changed(1, 2)  # the put of `first`: it waits behind theirs
        assert not first.start_told, "theirs runs; first waits"
    finally:
        await tasks.close()


async def test_a_quiet_run_is_not_said_to_start_at_its_end() -> None:
    http, tasks = StubHttp(), BackgroundTasks()
    ours, runs = _posted("ours"), []
    quiet = _quiet_runs(http, runs, tasks)
    try:
        quiet.queue_changed(0, 1)  # theirs-0 runs
        runs.append(ours)
        quiet.queue_changed(1, 2)  # ours waits behind it
        quiet.queue_changed(2, 3)  # theirs-1 behind ours
        http.done["theirs-0"] = _entry("theirs-0")
        quiet.queue_changed(3, 2)
        await asyncio.sleep(0.01)
        http.done["ours"] = _entry("ours")
        quiet.queue_changed(2, 1)  # ours ended: theirs-1 alone is left, and ours counted until read
        await asyncio.sleep(0.01)
        assert [type(event) for event in [event async for event in ours]] == [events.Completed]
    finally:
        await tasks.close()


async def test_cancelling_a_quiet_run_that_waits_removes_it_whatever_the_counts_said() -> None:
    http, tasks = CancelStub(), BackgroundTasks()
    ours = _posted("ours", answered=False)
    quiet = _quiet_runs(http, [ours], tasks)
    try:
        http.queue_ids = ["theirs-1", "theirs-2"]
        quiet.queue_changed(0, 2)
        http.done["theirs-1"] = _entry("theirs-1")
        http.queue_ids = ["theirs-2"]
        quiet.queue_changed(2, 1)
        await asyncio.sleep(0.01)
        ours.accepted = True
        http.queue_ids = ["theirs-2", "ours"]
        quiet.queue_changed(1, 2)

        outcome = await cancel_prompt(http, "ours", ours, timeout_s=1.0, recheck_s=0.02)  # type: ignore[arg-type]

        assert outcome == "removed"
        assert ours.done
    finally:
        await tasks.close()
