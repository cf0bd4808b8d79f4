"""Progress edits in a channel take from a budget shared with other worker processes, when there is one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from background.tasks import BackgroundTasks
from bot.reporting.config import ReportingConfig
from bot.reporting.pacer import EditPacer
from core.rest_budget.budget import MemoryBudgetStore, RestBudget
from core.rest_budget.rules import Rate, global_rate

CHANNEL = 42


@dataclass
class Item:
    job_id: int
    channel_id: int = CHANNEL
    last_edit_at: float = 0.0


async def test_an_edit_waits_while_the_shared_budget_says_so_and_then_goes() -> None:
    asked: list[int] = []
    edited = asyncio.Event()
    answers = iter([0.05, 0.0])

    async def take(channel_id: int) -> float:
        asked.append(channel_id)
        return next(answers)

    async def edit(item: Item) -> bool:
        assert len(asked) == 2, "edited only once the shared budget gave the edit"
        edited.set()
        return True

    pacer: EditPacer[Item] = EditPacer(ReportingConfig(), edit, BackgroundTasks())
    pacer.share(take)
    pacer.mark(Item(job_id=1))
    await asyncio.wait_for(edited.wait(), 5)
    assert asked == [CHANNEL, CHANNEL]


async def test_two_workers_share_one_channel_budget() -> None:
    """Two pacers (two workers) on one store: the second's edit waits for the first's to leave room."""
    budget = RestBudget(MemoryBudgetStore(), token_key="t", global_rate=global_rate())
    rate = Rate(per_s=1 / 3600)  # one edit per hour in the channel
    config = ReportingConfig(edit_interval_s=0.0)
    edits: list[str] = []
    answers: dict[str, list[float]] = {"a": [], "b": []}
    tasks = BackgroundTasks()
    first_edit, b_told_to_wait = asyncio.Event(), asyncio.Event()

    def pacer_of(worker: str) -> EditPacer[Item]:
        async def edit(item: Item) -> bool:
            edits.append(worker)
            first_edit.set()
            return True

        async def take(channel_id: int) -> float:
            wait = await budget.channel_edit(channel_id, rate)
            answers[worker].append(wait)
            if worker == "b" and wait > 0:
                b_told_to_wait.set()
            return wait

        pacer: EditPacer[Item] = EditPacer(config, edit, tasks)
        pacer.share(take)
        return pacer

    a, b = pacer_of("a"), pacer_of("b")
    a.mark(Item(job_id=1))
    await asyncio.wait_for(first_edit.wait(), 5)
    b.mark(Item(job_id=2))
    await asyncio.wait_for(b_told_to_wait.wait(), 5)

    assert edits == ["a"]
    assert answers["a"] == [0.0]
    assert answers["b"][0] > 3500
    await tasks.close()  # b's channel task would otherwise wait out the hour
