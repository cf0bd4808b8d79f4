"""A press on a result made twice by the same member makes one job (Midjourney ignores the second click).

A double click on Vary, Upscale, Reroll, Zoom Out, Pan, Animate..., a form sent twice with the same answers,
or a 🔁 / 🌱 / 🎲 reaction added again: while the first press's job is queued or running, or within
`REPEAT_WINDOW` of its making (a quick job may be done before the second click arrives), the same member's
same press on the same result is answered with that job ("Already on it: job #12") instead of a second one.
Another member's press makes their own job, and a press after the job is done makes a new one (a second
variation, on purpose).

The rule is kept by the database, not by a process's memory, so every gateway process agrees: a job keeps
its press (`jobs.press`, with its parent), and the job store looks for a live job of the same press under
the per-user lock it takes to make a job (db.repositories.job_create), so two presses arriving together
make one job. The job service also looks before the press is answered, so that a second press arriving
after the first's job was made is refused privately from its first answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from core.errors import UserFacingError
from core.jobs.derived import ResultMessage
from core.jobs.requests import JobRequest
from core.texts import Text
from db.repositories.job_create import SamePress
from db.repositories.jobs import ActiveCounts
from db.schemas import JobCreate
from db.snapshots import JobView
from db.units.jobs import InputRecords, JobStore

# A double click's second press comes well within this of the first's job being made (a gateway decides
# and answers a press in tens of milliseconds); a member pressing again on purpose has seen the result first.
REPEAT_WINDOW = timedelta(seconds=3)
REROLL = "reroll"


def press_of(action: str, index: int, typed: Mapping[str, Any] | None = None) -> str:
    """What a press is stored as: the action and the file ("strong:0"); a form's answers (`typed`) add a
    digest of them, so that the same form sent again with other words is another press."""
    press = f"{action}:{index}"
    if typed is None:
        return press
    answers = json.dumps(typed, sort_keys=True, default=str, ensure_ascii=False)
    return f"{press}:{hashlib.sha256(answers.encode()).hexdigest()[:24]}"


class AlreadyOnIt(UserFacingError):
    """The same press of the same member made job `job_id` a moment ago, or it is still queued or running;
    `message`: where that job is shown, when anyone may open it."""

    def __init__(self, job_id: int, message: ResultMessage | None = None) -> None:
        super().__init__(Text("results.already_on_it", f"Already on it: job #{job_id}.", {"job_id": job_id}))
        self.job_id = job_id
        self.message = message


async def refuse_same_press(store: JobStore, request: JobRequest) -> None:
    """AlreadyOnIt if this request's press made a job that still lives (a look before answering)."""
    if request.press is None or request.parent_id is None:
        return
    found = await store.same_press(
        guild_id=request.guild_id,
        user_id=request.requester.user_id,
        parent_id=request.parent_id,
        press=request.press,
        window=REPEAT_WINDOW,
    )
    if found is not None:
        raise await already_on_it(store, found)


async def made_once(
    store: JobStore,
    data: JobCreate,
    *,
    admit: Callable[[ActiveCounts], None],
    inputs: InputRecords | None,
) -> JobView:
    """`store.create`, refused with AlreadyOnIt when the same press made a job still live (looked for under
    the per-user lock, so two presses arriving together make one job)."""
    try:
        return await store.create(data, admit=admit, inputs=inputs, press_window=REPEAT_WINDOW)
    except SamePress as same:
        raise await already_on_it(store, same.job_id) from None


async def already_on_it(store: JobStore, job_id: int) -> AlreadyOnIt:
    job = await store.get(job_id)
    return AlreadyOnIt(job_id, None if job is None else ResultMessage.of(job))
