import tracemalloc
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from core.queue.fair_queue import FairQueue
from db.snapshots import QueuedJob

requests = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4)), min_size=1, max_size=60)


def _fill(pairs: list[tuple[int, int]]) -> tuple[FairQueue, list[QueuedJob]]:
    queue = FairQueue()
    jobs = [
        QueuedJob(job_id=i, guild_id=g, user_id=g * 100 + u, workflow_name="txt2img")
        for i, (g, u) in enumerate(pairs)
    ]
    for job in jobs:
        queue.push(job)
    return queue, jobs


def _drain(queue: FairQueue) -> list[QueuedJob]:
    served = []
    while (job := queue.pop_next()) is not None:
        served.append(job)
    return served


@given(requests)
def test_every_job_is_served_exactly_once_and_fifo_per_user(pairs: list[tuple[int, int]]) -> None:
    queue, jobs = _fill(pairs)
    served = _drain(queue)
    assert sorted(j.job_id for j in served) == [j.job_id for j in jobs]
    for user in {j.user_id for j in jobs}:
        ids = [j.job_id for j in served if j.user_id == user]
        assert ids == sorted(ids)
    assert len(queue) == 0


@given(requests)
def test_guilds_take_turns_so_no_guild_gets_two_turns_before_another_waiting_guild_gets_one(
    pairs: list[tuple[int, int]],
) -> None:
    queue, jobs = _fill(pairs)
    remaining = Counter(j.guild_id for j in jobs)
    served_per_guild: Counter[int] = Counter()
    for job in _drain(queue):
        served_per_guild[job.guild_id] += 1
        remaining[job.guild_id] -= 1
        waiting = [g for g, left in remaining.items() if left > 0]
        for guild in waiting:
            assert served_per_guild[job.guild_id] <= served_per_guild[guild] + 1


@given(requests)
def test_users_take_turns_inside_a_guild(pairs: list[tuple[int, int]]) -> None:
    queue, jobs = _fill(pairs)
    remaining = Counter(j.user_id for j in jobs)
    served: Counter[int] = Counter()
    for job in _drain(queue):
        served[job.user_id] += 1
        remaining[job.user_id] -= 1
        same_guild_waiting = [u for u, left in remaining.items() if left > 0 and u // 100 == job.guild_id]
        for user in same_guild_waiting:
            assert served[job.user_id] <= served[user] + 1


@settings(max_examples=200)
@given(requests, st.data())
def test_position_is_the_number_of_jobs_served_before_it(
    pairs: list[tuple[int, int]], data: st.DataObject
) -> None:
    queue, jobs = _fill(pairs)
    # Serve a few first so the rotations are not at their initial state.
    for _ in range(data.draw(st.integers(0, len(jobs)))):
        queue.pop_next()
    expected = {job.job_id: queue.position(job.job_id) for job in queue}
    actual = {job.job_id: index for index, job in enumerate(_drain(queue))}
    assert expected == actual


def test_a_user_held_back_by_a_limit_keeps_their_place() -> None:
    queue = FairQueue()
    queue.push(QueuedJob(1, guild_id=1, user_id=10, workflow_name="txt2img"))
    queue.push(QueuedJob(2, guild_id=1, user_id=11, workflow_name="txt2img"))
    queue.push(QueuedJob(3, guild_id=1, user_id=10, workflow_name="txt2img"))
    first = queue.pop_next(lambda job: job.user_id != 10)
    assert first is not None
    assert first.job_id == 2
    assert queue.pop_next() == QueuedJob(1, guild_id=1, user_id=10, workflow_name="txt2img")
    assert queue.pop_next() == QueuedJob(3, guild_id=1, user_id=10, workflow_name="txt2img")


def test_removing_a_cancelled_job_closes_the_gap() -> None:
    queue = FairQueue()
    for job_id in range(4):
        queue.push(QueuedJob(job_id, guild_id=1, user_id=1, workflow_name="txt2img"))
    assert queue.remove(1) is not None
    assert queue.remove(1) is None
    assert queue.position(3) == 2
    assert [j.job_id for j in _drain(queue)] == [0, 2, 3]


@given(requests, st.integers(0, 80))
def test_order_lists_jobs_as_they_will_be_served(pairs: list[tuple[int, int]], limit: int) -> None:
    queue, _ = _fill(pairs)
    queue.pop_next()  # rotations not at their initial state
    predicted = queue.order(limit)
    assert predicted == [job.job_id for job in _drain(queue)][:limit]


@given(requests, st.data())
def test_count_of_is_each_members_waiting_jobs_as_jobs_come_and_go(
    pairs: list[tuple[int, int]], data: st.DataObject
) -> None:
    queue, jobs = _fill(pairs)
    served = [queue.pop_next() for _ in range(data.draw(st.integers(0, len(jobs))))]
    left = [job for job in jobs if job not in served]
    expected = Counter((job.guild_id, job.user_id) for job in left)
    for guild_id, user_id in {(job.guild_id, job.user_id) for job in jobs}:
        assert queue.count_of(guild_id, user_id) == expected[(guild_id, user_id)]
    assert queue.count_of(99, 1) == 0


@given(
    st.lists(st.tuples(st.integers(1, 15), st.integers(1, 15)), min_size=1, max_size=150),
    st.integers(0, 25),
)
@settings(max_examples=200)
def test_order_is_right_when_more_guilds_and_users_wait_than_it_lists(
    pairs: list[tuple[int, int]], limit: int
) -> None:
    """order() brings guilds and users in only as their first turn comes; it must still be the real order."""
    queue, _ = _fill(pairs)
    for _ in range(len(pairs) // 3):
        queue.pop_next()
    assert queue.order(limit) == [job.job_id for job in _drain(queue)][:limit]


def _order_peak_bytes(queued: int, limit: int) -> int:
    queue = FairQueue()
    for i in range(queued):
        queue.push(QueuedJob(job_id=i, guild_id=i % (queued // 10), user_id=i, workflow_name="txt2img"))
    tracemalloc.start()
    try:
        queue.order(limit)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_order_reads_as_much_with_20000_jobs_queued_as_with_10000() -> None:
    """A submit tells its place through order(positions_shown): it must not copy the whole queue (it did,
    3 MB and 50 ms a submit with 10,000 queued)."""
    assert _order_peak_bytes(20_000, 200) <= _order_peak_bytes(10_000, 200) * 1.1


@given(requests, st.data())
def test_heads_among_are_the_given_jobs_that_head_a_line_in_the_order_heads_lists_them(
    pairs: list[tuple[int, int]], data: st.DataObject
) -> None:
    queue, jobs = _fill(pairs)
    for _ in range(data.draw(st.integers(0, len(jobs)))):  # the rotation moved on
        queue.pop_next()
    wanted = data.draw(st.sets(st.integers(0, len(jobs) + 3)))  # some taken already, some never queued
    assert queue.heads_among(wanted) == [head for head in queue.heads() if head.job_id in wanted]
