"""The refusal at a member's queue cap counts in words ("1 job", never "1 jobs")."""

from __future__ import annotations

import pytest

from core.errors import LimitReached
from core.queue.limits import GuildLimits, UserLoad, check_can_queue


@pytest.mark.parametrize(("cap", "expected"), [(1, "You have 1 job queued"), (3, "You have 3 jobs queued")])
def test_the_cap_refusal_counts_in_words(cap: int, expected: str) -> None:
    limits = GuildLimits(max_queued_per_user=cap)
    with pytest.raises(LimitReached) as refused:
        check_can_queue(limits, UserLoad(queued=cap, running=0))
    assert refused.value.user_message.startswith(expected)
    if cap == 1:
        assert "when it starts" in refused.value.user_message
