"""Places in the queue that only ever move forward.

A fair queue lets a newcomer from a quiet guild in ahead of a busy guild's backlog, which would push the
backlog back ("1 ahead of you" becoming "2 ahead"). Instead, a place once told is a promise the scheduler
keeps: each told job has a budget of how many jobs may still start before it; every start spends one of
everybody's, and a job whose budget is spent starts next. Newcomers still get in early, but only into
slack nobody was promised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class KeptPlaces:
    def __init__(self) -> None:
        self._left: dict[int, int] = {}  # job -> how many jobs may still start before it
        self._shown: dict[int, int] = {}  # job -> the place it was last told (backend queues included)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._left

    def due(self, candidates: Iterable[int]) -> int | None:
        """Of the jobs that could start now, the one whose promise says it must: else None (fair order)."""
        spent = [(self._left[job_id], job_id) for job_id in candidates if self._left.get(job_id) == 0]
        return min(spent)[1] if spent else None

    def started(self, job_id: int) -> None:
        """`job_id` left the queue for a backend: one job fewer may start before each other told job."""
        self.forget(job_id)
        for other, left in self._left.items():
            self._left[other] = max(0, left - 1)

    def forget(self, job_id: int) -> None:
        """Gone without starting (cancelled, handed to another worker): nobody's budget is spent."""
        self._left.pop(job_id, None)
        self._shown.pop(job_id, None)

    def plan(self, fair_order: Sequence[int]) -> list[int]:
        """The order jobs will start in: fair order, except that nobody starts later than promised."""
        rest = list(fair_order)
        planned: list[int] = []
        while rest:
            step = len(planned)
            due = [(self._left[j], i) for i, j in enumerate(rest) if self._left.get(j, step + 1) <= step]
            index = min(due)[1] if due else 0
            planned.append(rest.pop(index))
        return planned

    def tell(self, fair_order: Sequence[int], waiting_in_backends: int) -> dict[int, int]:
        """Each job's place (prompts already waiting in the backends' queues start first): the places that
        changed since last told. A place never grows; the scheduler then keeps it."""
        changed: dict[int, int] = {}
        for index, job_id in enumerate(self.plan(fair_order)):
            place = waiting_in_backends + index
            before = self._shown.get(job_id)
            if before is not None and place >= before:
                place = before
            self._left[job_id] = min(index, self._left.get(job_id, index))
            if before != place:
                self._shown[job_id] = changed[job_id] = place
        return changed
