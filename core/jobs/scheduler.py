"""Which queued job goes to which backend next: fair order, backend places, per-user and global caps.

Synchronous and free of I/O: the dispatcher asks it for the jobs that may start now and runs them. It is told
about the world through the callables it is built with (backend health, which backends can run a job,
each guild's limits) and says when its answer may have changed through `on_change`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.queue.fair_queue import FairQueue
from core.queue.limits import GuildLimits
from core.queue.places import KeptPlaces
from db.snapshots import QueuedJob

User = tuple[int, int]  # (guild id, user id)


@dataclass(frozen=True, slots=True)
class Assignment:
    """A queued job given a place on a backend; `release` frees the place (calling it twice is harmless)."""

    entry: QueuedJob
    backend: str
    release: Callable[[], None]


class Scheduler:
    def __init__(
        self,
        *,
        backends: Iterable[str],
        places_per_backend: int,
        max_running: int,
        is_healthy: Callable[[str], bool],
        capable: Callable[[QueuedJob], frozenset[str]],
        limits_for: Callable[[int], GuildLimits],
        on_change: Callable[[], None] = lambda: None,
        kind_cap: Callable[[QueuedJob], tuple[str, int] | None] = lambda job: None,
    ) -> None:
        self._backends = list(backends)
        self._places = places_per_backend
        self._max_running = max_running
        self._is_healthy = is_healthy
        self._capable = capable
        self._limits_for = limits_for
        self._on_change = on_change
        # (kind, cap) when the job's kind caps each member's running jobs of that kind (videos: one).
        self._kind_cap = kind_cap
        self._queue = FairQueue()
        # Jobs whose workflow no backend offers right now, set aside so the scheduler does not look at
        # them on every turn; they go back in line when the backends' capabilities change.
        self._parked: dict[int, QueuedJob] = {}
        self._slots: Counter[str] = Counter()
        self._user_running: Counter[User] = Counter()
        self._kind_running: Counter[tuple[User, str]] = Counter()
        self._held_users: set[User] = set()
        # Places told to waiting jobs are promises: nobody starts later than told (core.queue.places).
        self._kept = KeptPlaces()

    # -- the line ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Jobs waiting in line (the parked ones not counted)."""
        return len(self._queue)

    def queued_count(self) -> int:
        return len(self._queue) + len(self._parked)

    def is_waiting(self, job_id: int) -> bool:
        return job_id in self._queue

    def is_parked(self, job_id: int) -> bool:
        return job_id in self._parked

    def waiting_ids(self) -> set[int]:
        return {job.job_id for job in self._queue}

    def parked_ids(self) -> set[int]:
        return set(self._parked)

    def queued_for(self, guild_id: int, user_id: int) -> int:
        """The user's jobs in line (parked ones not counted)."""
        return self._queue.count_of(guild_id, user_id)

    def position(self, job_id: int) -> int | None:
        """The place it was last told, else where the fair order has it (0-based)."""
        if job_id not in self._queue:
            return None
        told = self._kept.shown(job_id)
        return told if told is not None else self._queue.position(job_id)

    def place_beyond(self, job_id: int, limit: int) -> int | None:
        """Where the fair order has the job, if that is `limit` or later and it was never told nor promised
        a place: then it is not among the first `limit` that `places_and_order` lays out either (only a
        promise moves a job ahead of its fair turn), and nobody needs them laid out to know it. Else None."""
        if job_id in self._kept or self._kept.shown(job_id) is not None:
            return None
        position = self._queue.position(job_id)
        return position if position is not None and position >= limit else None

    def places_and_order(self, limit: int, waiting_in_backends: int) -> tuple[dict[int, int], list[int]]:
        """The places of the first `limit` waiting jobs, counting the prompts already waiting in the
        backends' own queues (none grows; those the servers take on their next turn are promises), and the
        order those jobs will start in (promised places kept)."""
        fair = self._queue.order(limit)
        next_turn = len(self._backends) * self._places
        return self._kept.tell_and_plan(fair, waiting_in_backends, promise_first=next_turn)

    def workflow_of(self, job_id: int) -> str | None:
        job = self._queue.get(job_id)
        return job.workflow_name if job is not None else None

    def enqueue(self, entry: QueuedJob, *, front: bool = False) -> None:
        """Last in its user's line, or first for a job handed back untouched (parked ones stay put)."""
        if entry.job_id in self._parked:
            return
        self._queue.push(entry, front=front)
        self._on_change()

    def remove(self, job_id: int) -> bool:
        """Out of line or out of the parked set; True if it was in either."""
        waiting = self._queue.remove(job_id) is not None
        self._kept.forget(job_id)
        return self._parked.pop(job_id, None) is not None or waiting

    def unpark(self) -> None:
        """Back in line (at the front of their users' lines) for jobs some backend can run again."""
        for job_id, entry in list(self._parked.items()):
            if self._capable(entry):
                del self._parked[job_id]
                self.enqueue(entry, front=True)

    # -- choosing ----------------------------------------------------------------------------------

    def take_ready(self, running: int) -> list[Assignment]:
        """Every job that may start now, each with its backend place reserved; `running`: jobs running."""
        ready: list[Assignment] = []
        while running < self._max_running:
            free = self._free_backends()
            if not free:
                break
            chosen: dict[int, str] = {}
            unrunnable: list[int] = []

            def eligible(
                job: QueuedJob,
                free: set[str] = free,
                chosen: dict[int, str] = chosen,
                unrunnable: list[int] = unrunnable,
            ) -> bool:
                backend = self._pick_backend(job, free, unrunnable)
                if backend is not None:
                    chosen[job.job_id] = backend
                return backend is not None

            job = self._next(eligible)
            self._park(unrunnable)
            if job is None:
                break
            self._kept.started(job.job_id)
            backend = chosen[job.job_id]
            ready.append(Assignment(job, backend, self.reserve(backend, job)))
        return ready

    def _next(self, eligible: Callable[[QueuedJob], bool]) -> QueuedJob | None:
        """A job whose promised place is up goes first (if it may start); else the next in fair order."""
        due = [head for head in self._queue.heads_among(self._kept.all_due()) if eligible(head)]
        if due:
            return self._queue.take(due[0])
        return self._queue.pop_next(eligible)

    def _free_backends(self) -> set[str]:
        return {
            name for name in self._backends if self._is_healthy(name) and self._slots[name] < self._places
        }

    def _pick_backend(self, job: QueuedJob, free: set[str], unrunnable: list[int]) -> str | None:
        capable = self._capable(job)
        if not capable:
            unrunnable.append(job.job_id)
            return None
        user = (job.guild_id, job.user_id)
        if (
            user in self._held_users
            or self._user_running[user] >= self._limits_for(job.guild_id).max_running_per_user
        ):
            return None
        kind_cap = self._kind_cap(job)
        if kind_cap is not None and self._kind_running[(user, kind_cap[0])] >= kind_cap[1]:
            return None
        able = free & capable
        if not able:
            return None
        return min(able, key=lambda name: (self._slots[name], name))

    def _park(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            job = self._queue.remove(job_id)
            if job is not None:
                self._parked[job_id] = job
                self._kept.forget(job_id)

    # -- places and caps ---------------------------------------------------------------------------

    def reserve(self, backend: str, entry: QueuedJob) -> Callable[[], None]:
        """Take a place on `backend` for the entry's user; the returned callable gives it back once."""
        user = (entry.guild_id, entry.user_id)
        kind_cap = self._kind_cap(entry)
        kind = (user, kind_cap[0]) if kind_cap is not None else None
        self._slots[backend] += 1
        self._user_running[user] += 1
        if kind is not None:
            self._kind_running[kind] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._slots[backend] -= 1
                self._user_running[user] -= 1
                if kind is not None:
                    self._kind_running[kind] -= 1
                self._on_change()

        return release

    def running_of(self, user: User) -> int:
        """Places this worker holds for the user's jobs."""
        return self._user_running[user]

    def hold(self, user: User) -> None:
        """Other workers fill this user's cap: pass over their jobs until `let_go`."""
        self._held_users.add(user)

    def let_go(self, user: User) -> None:
        self._held_users.discard(user)
        self._on_change()
