"""Places in the queue that only ever move forward.

A fair queue lets a newcomer from a quiet guild in ahead of a busy guild's backlog, which would push the
backlog back ("1 ahead of you" becoming "2 ahead"). Instead, the place told to a job near the front is a
promise the scheduler keeps: each such job has a budget of how many jobs may still start before it; every
start spends one of everybody's, and a job whose budget is spent starts next. Newcomers still get in ahead
of the jobs further back, so guilds keep taking turns.
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
        promised = sorted(
            (self._left[job_id], index) for index, job_id in enumerate(fair_order) if job_id in self._left
        )
        taken: set[int] = set()
        planned: list[int] = []
        next_promised = next_fair = 0
        while len(planned) < len(fair_order):
            while next_promised < len(promised) and promised[next_promised][1] in taken:
                next_promised += 1
            if next_promised < len(promised) and promised[next_promised][0] <= len(planned):
                index = promised[next_promised][1]  # its promise is up: it goes now
            else:
                while next_fair in taken:
                    next_fair += 1
                index = next_fair
            taken.add(index)
            planned.append(fair_order[index])
        return planned

    def is_due(self, job_id: int) -> bool:
        return self._left.get(job_id) == 0

    def all_due(self) -> list[int]:
        """Every told job whose budget is spent: few, since only the first jobs are ever promised a place
        (the scheduler looks at these, not at every user's first job, on each start)."""
        return [job_id for job_id, left in self._left.items() if left == 0]

    def tell(self, fair_order: Sequence[int], waiting_in_backends: int, promise_first: int) -> dict[int, int]:
        """Each job's place (prompts already waiting in the backends' queues start first)."""
        return self.tell_and_plan(fair_order, waiting_in_backends, promise_first)[0]

    def tell_and_plan(
        self, fair_order: Sequence[int], waiting_in_backends: int, promise_first: int
    ) -> tuple[dict[int, int], list[int]]:
        """Each job's place, as `tell`, and the order they will start in, as `plan` (one plan for both: the
        promises made here are the places the plan gave, so planning again after would find the same).

        The first `promise_first` jobs, the ones the servers take on their next turn, are promised their
        place: the scheduler keeps it. Further back the fair order still lets a newcomer from a quiet guild
        in ahead; a place shown there never grows either (the smaller number stays until the queue reaches
        it)."""
        planned = self.plan(fair_order)
        places: dict[int, int] = {}
        for index, job_id in enumerate(planned):
            place = waiting_in_backends + index
            before = self._shown.get(job_id)
            if before is not None and place > before:
                place = before
            if index < promise_first:
                self._left[job_id] = min(index, self._left.get(job_id, index))
            self._shown[job_id] = places[job_id] = place
        return places, planned

    def shown(self, job_id: int) -> int | None:
        """The place the job was last told, if it was."""
        return self._shown.get(job_id)
