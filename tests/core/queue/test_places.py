"""Places told to waiting jobs never grow, and the scheduler keeps them (issue 12 item 5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from core.queue.fair_queue import FairQueue
from core.queue.places import KeptPlaces
from db.snapshots import QueuedJob


@dataclass
class Scheduler:
    """The dispatcher's use of the two, on one backend: a promised job starts when its place is up."""

    queue: FairQueue = field(default_factory=FairQueue)
    places: KeptPlaces = field(default_factory=KeptPlaces)
    next_id: int = 1
    told: dict[int, int] = field(default_factory=dict)
    promise_first: int = 1000

    def submit(self, guild_id: int, user_id: int) -> int:
        job = QueuedJob(self.next_id, guild_id, user_id, workflow_name="txt2img")
        self.next_id += 1
        self.queue.push(job)
        return job.job_id

    def start_next(self) -> int | None:
        heads = {job.job_id: job for job in self.queue.heads()}
        due = self.places.due(heads)
        job = self.queue.take(heads[due]) if due is not None else self.queue.pop_next()
        if job is None:
            return None
        self.places.started(job.job_id)
        return job.job_id

    def cancel(self, job_id: int) -> None:
        self.queue.remove(job_id)
        self.places.forget(job_id)

    def tell(self, waiting_in_backend: int = 0) -> dict[int, int]:
        """The places that changed since they were last told, as a front-end would announce them."""
        places = self.places.tell(self.queue.order(len(self.queue)), waiting_in_backend, self.promise_first)
        changed = {job_id: place for job_id, place in places.items() if self.told.get(job_id) != place}
        self.told = places
        return changed


def test_a_newcomer_from_another_guild_does_not_push_a_told_job_back() -> None:
    scheduler = Scheduler()
    mine = [scheduler.submit(guild_id=1, user_id=10), scheduler.submit(guild_id=1, user_id=10)]
    assert scheduler.tell() == {mine[0]: 0, mine[1]: 1}

    other = scheduler.submit(guild_id=2, user_id=20)  # fair order alone would put it before mine[1]
    told = scheduler.tell()

    assert mine[1] not in told  # still "1 ahead of you"
    assert told == {other: 2}
    assert [scheduler.start_next() for _ in range(3)] == [mine[0], mine[1], other]


def test_prompts_waiting_in_the_backend_count_as_ahead() -> None:
    scheduler = Scheduler()
    job = scheduler.submit(guild_id=1, user_id=10)

    assert scheduler.tell(waiting_in_backend=2) == {job: 2}  # not "you are next"
    assert scheduler.tell(waiting_in_backend=1) == {job: 1}
    assert scheduler.tell(waiting_in_backend=0) == {job: 0}


def test_a_newcomer_still_goes_ahead_of_jobs_not_told_yet() -> None:
    scheduler = Scheduler()
    backlog = [scheduler.submit(guild_id=1, user_id=10) for _ in range(3)]
    other = scheduler.submit(guild_id=2, user_id=20)

    assert scheduler.tell() == {backlog[0]: 0, other: 1, backlog[1]: 2, backlog[2]: 3}


def test_beyond_the_next_turn_guilds_still_take_turns_and_no_place_grows() -> None:
    scheduler = Scheduler(promise_first=2)  # one server, one prompt running and one waiting
    backlog = [scheduler.submit(guild_id=1, user_id=10) for _ in range(4)]
    assert scheduler.tell() == {backlog[0]: 0, backlog[1]: 1, backlog[2]: 2, backlog[3]: 3}

    other = scheduler.submit(guild_id=2, user_id=20)
    told = scheduler.tell()

    assert told == {other: 2}  # fair: ahead of the backlog's third job, behind the two promised ones
    assert [scheduler.start_next() for _ in range(3)] == [backlog[0], backlog[1], other]
    assert scheduler.tell() == {backlog[2]: 0, backlog[3]: 1}  # their places went down, never up


Op = tuple[str, int, int]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.integers(1, 3), st.integers(1, 3)),
        st.tuples(st.just("start"), st.just(0), st.just(0)),
        st.tuples(st.just("cancel"), st.integers(0, 30), st.just(0)),
        st.tuples(st.just("tell"), st.integers(0, 2), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ops, st.sampled_from([1000, 2]))
def test_a_waiting_jobs_place_never_grows_and_is_kept(script: list[Op], promise_first: int) -> None:
    scheduler = Scheduler(promise_first=promise_first)
    waiting: list[int] = []
    shown: dict[int, int] = {}  # the place last told, counting queue jobs only (waiting_in_backend = 0)
    started_since: dict[int, int] = {}
    for op, a, b in script:
        if op == "submit":
            waiting.append(scheduler.submit(guild_id=a, user_id=a * 10 + b))
        elif op == "start":
            started = scheduler.start_next()
            if started is None:
                continue
            waiting.remove(started)
            if started in shown and (promise_first > len(scheduler.told) or shown[started] < promise_first):
                # The promise: no more jobs started before it than it was told were ahead.
                assert started_since.pop(started) <= shown.pop(started)
            for job_id in started_since:
                started_since[job_id] += 1
        elif op == "cancel" and waiting:
            job_id = waiting.pop(a % len(waiting))
            scheduler.cancel(job_id)
            shown.pop(job_id, None)
            started_since.pop(job_id, None)
        elif op == "tell":
            for job_id, place in scheduler.tell(waiting_in_backend=0).items():
                if job_id in shown:
                    assert place < shown[job_id], "a waiting job's place grew"
                shown[job_id], started_since[job_id] = place, 0
