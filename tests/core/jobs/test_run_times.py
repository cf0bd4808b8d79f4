"""Run times learned per workflow and backend, and what is left of a running job (issue 12 item 4)."""

from __future__ import annotations

import pytest

from core.jobs.estimates import Estimates, PromptOnBackend
from core.jobs.eta import typical_run_s
from core.jobs.run_times import PastRun, RunTimes, remaining_s
from core.jobs.wait_estimate import WaitEstimate, WaitingJob
from core.kinds import default_kinds


def guess(workflow: str) -> float:
    return 60.0 if workflow == "song" else 20.0


def test_the_first_real_run_replaces_the_guess() -> None:
    times = RunTimes(guess)
    assert times.expected_s("image", "gpu") == 20.0

    times.observe(PastRun("image", "gpu", 2.9))

    assert times.expected_s("image", "gpu") == pytest.approx(2.9)


def test_a_video_is_first_guessed_at_its_kinds_minutes_then_learned_from_its_own_runs() -> None:
    kinds = default_kinds()
    times = RunTimes(typical_run_s(kinds, kinds.catalogue()))
    assert times.expected_s("video", "gpu") == 600.0, "minutes, not an image's seconds, before any run"
    assert times.expected_s("video_i2v", "gpu") == 600.0
    assert times.expected_s("txt2img", "gpu") == 20.0
    assert times.expected_s("removed-since", "gpu") == 20.0

    times.observe(PastRun("video", "gpu", 240.0))

    assert times.expected_s("video", "gpu") == pytest.approx(240.0)
    assert times.expected_s("video_i2v", "gpu") == 600.0, "the other video workflow has not run yet"


def test_run_times_are_learned_per_workflow_and_backend() -> None:
    times = RunTimes(guess)
    times.learn_from(
        [PastRun("image", "gpu", 3.0), PastRun("image", "cpu", 30.0), PastRun("song", "gpu", 18.0)]
    )

    assert times.expected_s("image", "gpu") == pytest.approx(3.0)
    assert times.expected_s("image", "cpu") == pytest.approx(30.0)
    assert times.expected_s("song", "gpu") == pytest.approx(18.0)
    assert times.expected_s("song", "cpu") == pytest.approx(18.0)  # not run there yet: where it did run
    assert times.expected_s("image") == pytest.approx(16.5)


def test_a_backend_that_got_faster_is_followed_within_a_few_jobs() -> None:
    times = RunTimes(guess)
    times.learn_from(PastRun("image", "gpu", 10.0) for _ in range(50))
    for _ in range(5):
        times.observe(PastRun("image", "gpu", 2.0))

    assert times.expected_s("image", "gpu") < 4.0


def test_the_remaining_time_of_a_running_job_follows_its_progress() -> None:
    assert remaining_s(10.0, elapsed_s=0.0, done_fraction=None) == 10.0
    assert remaining_s(10.0, elapsed_s=4.0, done_fraction=None) == 6.0
    # Half done after 2 s: its progress says 4 s in all, its history 10 s; half-way, each counts half.
    assert remaining_s(10.0, elapsed_s=2.0, done_fraction=0.5) == pytest.approx(5.0)
    assert remaining_s(10.0, elapsed_s=9.0, done_fraction=0.9) == pytest.approx(1.0)
    assert remaining_s(10.0, elapsed_s=30.0, done_fraction=None) == 0.0


def test_the_wait_counts_busy_backends_and_spreads_the_jobs_ahead_over_them() -> None:
    estimate = WaitEstimate(
        {"a": 4.0, "b": 0.0}, run_s=lambda workflow, backend: 10.0, backends_for=lambda w: {"a", "b"}
    )
    ready = estimate.ready_in_s([WaitingJob(1, "image"), WaitingJob(2, "image"), WaitingJob(3, "image")])

    # b is free at once, a after its running prompt; the third job goes to whichever is free first.
    assert ready == {1: 10.0, 2: 14.0, 3: 20.0}


def test_a_job_waits_for_the_backends_that_can_run_it() -> None:
    estimate = WaitEstimate(
        {"gpu": 0.0, "cpu": 0.0},
        run_s=lambda workflow, backend: 5.0 if backend == "gpu" else 50.0,
        backends_for=lambda w: {"gpu"} if w == "song" else {"gpu", "cpu"},
    )
    ready = estimate.ready_in_s([WaitingJob(1, "song"), WaitingJob(2, "song"), WaitingJob(3, "video")])

    assert ready == {1: 5.0, 2: 10.0, 3: 50.0}


def test_a_backends_current_work_counts_the_running_prompt_by_its_progress_and_waiting_ones_whole() -> None:
    estimates = Estimates(guess)
    estimates.finished("image", "gpu", 10.0)
    busy = estimates.busy_s(
        ["gpu", "cpu"],
        [
            PromptOnBackend("gpu", "image", running=True, elapsed_s=6.0, done_fraction=None),
            PromptOnBackend("gpu", "image", running=False),
            PromptOnBackend("down", "image", running=False),  # a backend that cannot take work
        ],
    )

    assert busy == {"gpu": pytest.approx(4.0 + 10.0), "cpu": 0.0}
    ready = estimates.ready_in_s([WaitingJob(1, "image")], busy, lambda w: {"gpu", "cpu"})
    assert ready == {1: pytest.approx(10.0)}  # cpu is free; "image" there is guessed from gpu's 10 s
