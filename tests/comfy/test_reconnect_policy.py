from __future__ import annotations

import logging

from comfy.connection import Backoff, ReconnectPolicy, failure_log_level


def test_backoff_doubles_on_rapid_failures_and_is_capped() -> None:
    policy = ReconnectPolicy(base_delay_s=1.0, max_delay_s=8.0)

    delays = [policy.delay(n) for n in range(1, 8)]

    assert policy.delay(0) == 0.0
    for failures, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 2.0 ** (failures - 1))
        assert 0.75 * ceiling <= delay <= ceiling
    assert max(delays) <= 8.0


def test_backoff_resets_after_a_healthy_run_but_not_after_a_flapping_one() -> None:
    backoff = Backoff(ReconnectPolicy(base_delay_s=1.0, max_delay_s=60.0, healthy_after_s=30.0))
    assert backoff.delay() == 0.0  # the first connect is immediate

    for _ in range(4):
        backoff.attempt_failed()
    assert backoff.connection_lost(lived_s=2.0) == 5  # up for 2 s only: still failing
    assert backoff.delay() >= 0.75 * 16

    assert backoff.connection_lost(lived_s=45.0) == 1  # a healthy run wipes the slate
    assert backoff.delay() <= 1.0


def test_while_someone_waits_attempts_are_at_most_the_urgent_delay_apart() -> None:
    policy = ReconnectPolicy(base_delay_s=0.5, max_delay_s=30.0, urgent_max_delay_s=1.0)

    relaxed = [policy.delay(n) for n in range(1, 10)]
    urgent = [policy.delay(n, urgent=True) for n in range(1, 10)]

    assert max(relaxed) > 10.0
    assert max(urgent) <= 1.0
    assert urgent[0] <= 0.5  # the first retry is as quick as ever


def test_a_backend_that_stays_down_is_warned_about_ever_more_rarely() -> None:
    warned = [n for n in range(1, 101) if failure_log_level(n) == logging.WARNING]

    assert warned == [1, 2, 4, 8, 16, 32, 64]
    assert failure_log_level(3) == logging.DEBUG
