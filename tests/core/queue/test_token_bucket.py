import pytest

from bot.core.queue.token_bucket import TokenBucket


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
