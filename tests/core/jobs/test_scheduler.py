"""The scheduler alone, without I/O: fair order, backend places, caps, parked and held jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from core.jobs.scheduler import Assignment, Scheduler
from core.queue.limits import GuildLimits
from db.snapshots import QueuedJob


@dataclass
class World:
    """What the scheduler is told about: backend health, which backends run which workflow, limits."""

    backends: list[str] = field(default_factory=lambda: ["a"])
    unhealthy: set[str] = field(default_factory=set)
    able: dict[str, frozenset[str]] = field(default_factory=dict)
    running_per_user: int = 3
    changes: int = 0

    def capable(self, entry: QueuedJob) -> frozenset[str]:
        return self.able.get(entry.workflow_name, frozenset(self.backends))

    def changed(self) -> None:
        self.changes += 1

    def scheduler(self, *, places: int = 1, max_running: int = 64) -> Scheduler:
        return Scheduler(
            backends=self.backends,
            places_per_backend=places,
            max_running=max_running,
            is_healthy=lambda name: name not in self.unhealthy,
            capable=self.capable,
            limits_for=lambda _guild: GuildLimits(max_running_per_user=self.running_per_user),
            on_change=self.changed,
        )


def job(job_id: int, guild_id: int = 1, user_id: int = 10, workflow: str = "txt2img") -> QueuedJob:
    return QueuedJob(job_id, guild_id, user_id, workflow)


def ids(ready: list[Assignment]) -> list[int]:
    return [a.entry.job_id for a in ready]


def test_guilds_take_turns_when_places_free_up_one_at_a_time() -> None:
    scheduler = World().scheduler()
    for entry in (job(1, guild_id=1), job(2, guild_id=1), job(3, guild_id=1), job(4, guild_id=2)):
        scheduler.enqueue(entry)
    served = []
    while ready := scheduler.take_ready(running=0):
        served += ids(ready)
        ready[0].release()
    assert served == [1, 4, 2, 3]


def test_each_backend_holds_its_running_prompt_plus_the_prequeued_ones_least_loaded_first() -> None:
    scheduler = World(backends=["a", "b"]).scheduler(places=2)
    for job_id in range(1, 7):
        scheduler.enqueue(job(job_id, guild_id=job_id))
    ready = scheduler.take_ready(running=0)
    assert ids(ready) == [1, 2, 3, 4]
    assert [a.backend for a in ready] == ["a", "b", "a", "b"]
    assert len(scheduler) == 2


def test_nothing_starts_beyond_the_global_running_cap() -> None:
    scheduler = World().scheduler(places=5, max_running=2)
    scheduler.enqueue(job(1))
    assert scheduler.take_ready(running=2) == []
    assert ids(scheduler.take_ready(running=1)) == [1]


def test_a_user_at_their_running_cap_is_passed_over_without_losing_their_turn() -> None:
    world = World(backends=["a", "b", "c"], running_per_user=1)
    scheduler = world.scheduler()
    for entry in (job(1, user_id=10), job(2, user_id=10), job(3, user_id=20)):
        scheduler.enqueue(entry)
    first = scheduler.take_ready(running=0)
    assert ids(first) == [1, 3]
    changes = world.changes
    first[0].release()
    assert world.changes == changes + 1, "a freed place wakes the dispatcher"
    assert ids(scheduler.take_ready(running=1)) == [2]


def test_releasing_a_place_twice_frees_it_once() -> None:
    scheduler = World(running_per_user=1).scheduler()
    scheduler.enqueue(job(1))
    scheduler.enqueue(job(2))
    (first,) = scheduler.take_ready(running=0)
    first.release()
    first.release()
    (second,) = scheduler.take_ready(running=0)
    assert second.entry.job_id == 2
    assert scheduler.running_of((1, 10)) == 1


def test_an_unhealthy_backend_gets_no_job() -> None:
    world = World(backends=["a", "b"], unhealthy={"a"})
    scheduler = world.scheduler()
    scheduler.enqueue(job(1, guild_id=1))
    scheduler.enqueue(job(2, guild_id=2))
    ready = scheduler.take_ready(running=0)
    assert [(a.entry.job_id, a.backend) for a in ready] == [(1, "b")]
    world.unhealthy.clear()
    assert [(a.entry.job_id, a.backend) for a in scheduler.take_ready(running=1)] == [(2, "a")]


def test_a_job_goes_only_to_a_backend_that_can_run_its_workflow() -> None:
    world = World(backends=["a", "b"], able={"song": frozenset({"b"})})
    scheduler = world.scheduler()
    scheduler.enqueue(job(1, workflow="song"))
    (ready,) = scheduler.take_ready(running=0)
    assert ready.backend == "b"


def test_a_job_no_backend_can_run_is_parked_and_comes_back_first_when_one_can() -> None:
    world = World(able={"song": frozenset()})
    scheduler = world.scheduler()
    scheduler.enqueue(job(1, workflow="song"))
    assert scheduler.take_ready(running=0) == []
    assert scheduler.is_parked(1)
    assert len(scheduler) == 0
    assert scheduler.queued_count() == 1
    scheduler.enqueue(job(1, workflow="song"))
    assert len(scheduler) == 0, "a parked job is not queued twice"
    scheduler.enqueue(job(2, workflow="txt2img"))
    world.able["song"] = frozenset({"a"})
    scheduler.unpark()
    assert not scheduler.is_parked(1)
    assert ids(scheduler.take_ready(running=0)) == [1]


def test_a_held_user_waits_until_let_go() -> None:
    world = World()
    scheduler = world.scheduler()
    scheduler.enqueue(job(1))
    scheduler.hold((1, 10))
    assert scheduler.take_ready(running=0) == []
    changes = world.changes
    scheduler.let_go((1, 10))
    assert world.changes == changes + 1
    assert ids(scheduler.take_ready(running=0)) == [1]


def test_a_job_handed_back_goes_to_the_front_of_its_users_line() -> None:
    scheduler = World().scheduler()
    scheduler.enqueue(job(1))
    scheduler.enqueue(job(2), front=True)
    assert scheduler.position(2) == 0
    assert scheduler.position(1) == 1


def test_removing_takes_a_job_out_of_line_or_out_of_the_parked_set() -> None:
    world = World(able={"song": frozenset()})
    scheduler = world.scheduler(max_running=1)
    scheduler.enqueue(job(1, workflow="song"))
    scheduler.take_ready(running=0)
    assert scheduler.is_parked(1)
    scheduler.enqueue(job(2))
    assert scheduler.queued_count() == 2
    assert scheduler.remove(1)
    assert scheduler.remove(2)
    assert scheduler.queued_count() == 0
    assert not scheduler.remove(2)
    assert scheduler.take_ready(running=0) == []


def test_enqueueing_wakes_the_dispatcher() -> None:
    world = World()
    scheduler = world.scheduler()
    scheduler.enqueue(job(1))
    assert world.changes == 1


@settings(max_examples=150)
@given(
    st.lists(st.tuples(st.integers(1, 6), st.integers(1, 3)), min_size=1, max_size=50),
    st.lists(st.sampled_from(["tell", "start", "submit"]), max_size=20),
    st.integers(1, 12),
)
def test_a_job_placed_beyond_the_limit_is_not_among_the_first_planned(
    pairs: list[tuple[int, int]], steps: list[str], limit: int
) -> None:
    # Promises (told places), starts and late submits in any order: a job `place_beyond` names is never
    # among the first `limit` of the order the scheduler plans, and is placed where the fair order has it.
    scheduler = World(backends=["a", "b"]).scheduler(places=2)
    next_id = 1
    for guild_id, user_id in pairs:
        scheduler.enqueue(job(next_id, guild_id, user_id))
        next_id += 1
    for step in steps:
        if step == "tell":
            scheduler.places_and_order(limit, waiting_in_backends=0)
        elif step == "start":
            for ready in scheduler.take_ready(running=0):
                ready.release()
        else:
            scheduler.enqueue(job(next_id, 1 + next_id % 6, 1 + next_id % 3))
            next_id += 1
    far = {job_id: scheduler.place_beyond(job_id, limit) for job_id in scheduler.waiting_ids()}
    positions = {job_id: scheduler.position(job_id) for job_id in far}
    places, planned = scheduler.places_and_order(limit, waiting_in_backends=0)
    for job_id, place in far.items():
        if place is not None:
            assert job_id not in planned
            assert job_id not in places
            assert place == positions[job_id]
            assert place >= limit
