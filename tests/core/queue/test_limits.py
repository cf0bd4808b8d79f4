"""The refusal at a member's queue cap counts in words ("1 job", never "1 jobs")."""

from __future__ import annotations

import pytest

from core.errors import LimitReached
from core.queue.limits import GuildLimits, UserLoad, check_can_queue, check_room


@pytest.mark.parametrize(("cap", "expected"), [(1, "You have 1 job queued"), (3, "You have 3 jobs queued")])
def test_the_cap_refusal_counts_in_words(cap: int, expected: str) -> None:
    limits = GuildLimits(max_queued_per_user=cap)
    with pytest.raises(LimitReached) as refused:
        check_can_queue(limits, UserLoad(queued=cap, running=0))
    assert refused.value.user_message.startswith(expected)
    if cap == 1:
        assert "when it starts" in refused.value.user_message


def test_jobs_asked_for_at_once_must_all_fit_beside_the_members_queued_ones() -> None:
    limits = GuildLimits(max_queued_per_user=5)
    check_room(limits, queued=1, count=4)
    with pytest.raises(LimitReached) as refused:
        check_room(limits, queued=2, count=4)
    assert refused.value.user_message.startswith(
        "This prompt makes 4 jobs, and your queue has room for 3 more."
    )


def test_jobs_asked_for_at_once_must_fit_in_the_rate_limits_burst() -> None:
    check_room(
        GuildLimits(rate_capacity=0), queued=0, count=4
    )  # paused: the rate limit's own refusal says so
    with pytest.raises(LimitReached) as refused:
        check_room(GuildLimits(rate_capacity=3), queued=0, count=4)
    assert "more than this server takes at once (3)" in refused.value.user_message
    with pytest.raises(LimitReached) as refused:
        check_room(GuildLimits(rate_capacity=1, personal=True), queued=0, count=2)
    assert "outside the servers I'm in (1)" in refused.value.user_message
