"""/settings log's page buttons name the page they turn to, and nothing else is read back as one."""

from __future__ import annotations

import pytest

from bot.ui.log_turns import read_turn, turn_id
from bot.ui.page_names import MAX_CUSTOM_ID, PagePlace

SNOWFLAKE_MAX = 2**64 - 1


def test_older_and_newer_name_the_pages_either_side() -> None:
    older = turn_id("older", 123, page_number=2, anchor=40)
    newer = turn_id("newer", 123, page_number=2, anchor=61)

    assert older is not None
    assert newer is not None
    assert read_turn(older) == PagePlace(3, before_id=40)
    assert read_turn(newer) == PagePlace(1, after_id=61)


def test_the_largest_numbers_fit() -> None:
    custom_id = turn_id("newer", SNOWFLAKE_MAX, page_number=SNOWFLAKE_MAX, anchor=SNOWFLAKE_MAX)

    assert custom_id is not None
    assert len(custom_id) <= MAX_CUSTOM_ID
    assert read_turn(custom_id) == PagePlace(SNOWFLAKE_MAX - 1, after_id=SNOWFLAKE_MAX)


def test_nowhere_to_turn_is_not_named() -> None:
    assert turn_id("older", 1, page_number=1, anchor=None) is None


@pytest.mark.parametrize(
    "custom_id",
    [
        "modlog:older:123456789",  # an older list's plain id
        "modlog:older:1:1:1:0",  # a field too many
        "modlog:sideways:1:1:1",
        "history:older:1:1:1",
        "modlog:older:1:0:1",
        "modlog:older:1:1:0",
        "modlog:older:1:1:-1",
        "modlog:older:1:1:A",
        "modlog:older:1:1:zzzzzzzzzzzzzz",
        "modlog:older:1:1:" + "1" * 90,
    ],
)
def test_anything_but_a_named_page_is_not_read_as_one(custom_id: str) -> None:
    assert read_turn(custom_id) is None
