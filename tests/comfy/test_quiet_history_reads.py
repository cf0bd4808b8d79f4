"""comfy.quiet.QuietRuns against a stub of ComfyUI's history and queue: reads that race the shrinks, reads
that other clients' prompts crowd, and a cancel while one waits."""

from __future__ import annotations

import asyncio
from typing import Any

from background.tasks import BackgroundTasks
from comfy import events, protocol
from comfy.cancel import cancel_prompt
from comfy.quiet import QuietRuns
from comfy.reconcile import Reconciler
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
    quiet = _quiet_runs(http, [run], tasks)
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
    quiet = _quiet_runs(http, [run], tasks)
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
    quiet = _quiet_runs(http, [run], tasks)
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
    reconciler = Reconciler(http, backend="b", history_grace_s=0.0)  # type: ignore[arg-type]
    return QuietRuns(http, lambda: runs, tasks, reconciler=reconciler, backend="b")  # type: ignore[arg-type]


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


async def test_cancelling_a_quiet_run_that_waits_behind_another_clients_prompts_removes_it() -> None:
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
