import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.queue.token_bucket import TokenBucket


def test_a_full_bucket_allows_a_burst_up_to_its_capacity_then_refuses() -> None:
    bucket = TokenBucket(capacity=3, per_minute=6)
    assert [bucket.try_take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.seconds_until_token(0.0) == pytest.approx(10.0)


def test_tokens_refill_with_time_but_never_above_capacity() -> None:
    bucket = TokenBucket(capacity=2, per_minute=60)
    assert bucket.try_take(0.0)
    assert bucket.try_take(0.0)
    assert not bucket.try_take(0.5)
    assert bucket.try_take(1.0)
    assert bucket.try_take(100.0)
    assert bucket.try_take(100.0)
    assert not bucket.try_take(100.0)


def test_a_bucket_that_never_refills_says_it_will_never_have_a_token() -> None:
    bucket = TokenBucket(capacity=1, per_minute=0)
    assert bucket.try_take(0.0)
    assert bucket.seconds_until_token(5.0) == float("inf")


@given(
    capacity=st.integers(1, 20),
    per_minute=st.floats(0.5, 600),
    gaps=st.lists(st.floats(0, 30), min_size=1, max_size=200),
)
def test_a_bucket_never_grants_more_than_its_capacity_plus_what_time_refilled(
    capacity: int, per_minute: float, gaps: list[float]
) -> None:
    bucket = TokenBucket(capacity=capacity, per_minute=per_minute)
    now = 0.0
    granted = 0
    for gap in gaps:
        now += gap
        granted += bucket.try_take(now)
    assert granted <= capacity + now * per_minute / 60 + 1e-9


@given(capacity=st.integers(1, 20), per_minute=st.floats(0.5, 600))
def test_the_announced_wait_is_exactly_enough_for_the_next_request(capacity: int, per_minute: float) -> None:
    bucket = TokenBucket(capacity=capacity, per_minute=per_minute)
    while bucket.try_take(0.0):
        pass
    wait = bucket.seconds_until_token(0.0)
    assert wait > 0
    assert not bucket.try_take(wait * 0.9)
    assert bucket.try_take(wait * 1.0001)


def test_several_tokens_at_once_wait_for_all_of_them_and_never_beyond_the_capacity() -> None:
    bucket = TokenBucket(capacity=4, per_minute=60)
    assert bucket.try_take(0.0)
    assert bucket.try_take(0.0)
    assert bucket.seconds_until_tokens(0.0, 2) == 0.0
    assert bucket.seconds_until_tokens(0.0, 4) == pytest.approx(2.0)
    assert bucket.seconds_until_tokens(0.0, 5) == float("inf"), "a bucket of 4 never holds 5"
