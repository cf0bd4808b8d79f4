"""A personal scope: the app used through someone's own install where it is not installed."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import LimitReached
from core.jobs.policy import PolicyCache, Requester, check_request
from core.jobs.scopes import is_personal, personal_scope
from core.queue.fair_queue import FairQueue
from core.queue.limits import GuildLimits, UserLoad, check_can_queue, rate_limited_message
from db.snapshots import QueuedJob

CAROL, DAVE, ART_CLUB = 1578988866092793900, 1578988866092793901, 1578988866092790000


class _NoStore:
    """A personal scope has no policy row: reading one is a bug."""

    async def get(self, guild_id: int) -> Any:
        raise AssertionError(f"read the policy of {guild_id}")


def test_a_personal_scope_never_meets_a_server() -> None:
    assert personal_scope(CAROL) == -CAROL
    assert is_personal(personal_scope(CAROL))
    assert not is_personal(ART_CLUB)


async def test_its_policy_is_the_operators_per_person_limits_and_no_server_rules() -> None:
    limits = GuildLimits(max_running_per_user=1, max_queued_per_user=2, rate_capacity=3, rate_per_minute=1.0)
    cache = PolicyCache(_NoStore(), personal_limits=limits)  # type: ignore[arg-type]
    policy = await cache.get(personal_scope(CAROL))
    assert cache.peek(personal_scope(CAROL)) == policy
    assert cache.limits_for(personal_scope(CAROL)) == policy.limits
    assert (policy.limits.max_queued_per_user, policy.limits.rate_capacity) == (2, 3)
    assert policy.limits.personal
    check_request(policy, Requester(user_id=CAROL, channel_id=1), ["anything at all"])


def test_refusals_speak_of_the_person_not_a_server() -> None:
    with pytest.raises(LimitReached) as capped:
        check_can_queue(GuildLimits(max_queued_per_user=1, personal=True), UserLoad(queued=1, running=0))
    assert "this server allows" not in capped.value.user_message
    assert "the most you can have outside the servers I'm in" in capped.value.user_message
    assert (
        str(rate_limited_message(12, personal=True))
        == "You have reached your request rate limit. Try again in 12 s."
    )


def test_each_person_is_their_own_group_in_the_fair_queue() -> None:
    queue = FairQueue()
    for job_id, scope, user in [
        (1, personal_scope(CAROL), CAROL),
        (2, personal_scope(CAROL), CAROL),
        (3, personal_scope(DAVE), DAVE),
        (4, ART_CLUB, 7),
    ]:
        queue.push(QueuedJob(job_id=job_id, guild_id=scope, user_id=user, workflow_name="txt2img"))
    served = [job.job_id for job in iter(queue.pop_next, None)]
    # Carol's second job waits for Dave's and the server's turn.
    assert served == [1, 3, 4, 2]
