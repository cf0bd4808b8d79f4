from __future__ import annotations

from comfy.connection import ReconnectPolicy


def test_backoff_doubles_on_rapid_failures_and_is_capped() -> None:
    policy = ReconnectPolicy(base_delay_s=1.0, max_delay_s=8.0)

    delays = [policy.delay(n) for n in range(1, 8)]

    assert policy.delay(0) == 0.0
    for failures, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 2.0 ** (failures - 1))
        assert 0.75 * ceiling <= delay <= ceiling
    assert max(delays) <= 8.0
