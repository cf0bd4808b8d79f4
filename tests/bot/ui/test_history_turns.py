"""/history's page buttons name the page they turn to in at most 100 characters, and nothing but such a
name is read back as one."""

from __future__ import annotations

import pytest

from bot.ui.history_render import HistoryFilters
from bot.ui.history_turns import HistoryTurn, read_turn, turn_id
from bot.ui.page_names import MAX_CUSTOM_ID, PagePlace
from core.jobs.snapshots import JobStatus
from core.kinds import IMAGE, JobKind

SNOWFLAKE_MAX = 2**64 - 1
JOB_ID_MAX = 2**53


def named(name: str, *, page: int = 3, anchor: int = 1234, search: str | None = None) -> str:
    """A button's custom_id on page `page` of a private listing by the largest command id possible."""
    filters = HistoryFilters(search=search)
    custom_id = turn_id(name, SNOWFLAKE_MAX, page_number=page, anchor=anchor, public=False, filters=filters)
    assert custom_id is not None
    return custom_id


def test_older_turns_to_the_next_page_just_before_its_job() -> None:
    filters = HistoryFilters(user_id=SNOWFLAKE_MAX, kind=IMAGE, search="a fox: at dusk")

    custom_id = turn_id("older", 987654321, page_number=4, anchor=77, public=True, filters=filters)

    assert custom_id is not None
    assert read_turn(custom_id) == HistoryTurn(PagePlace(5, before_id=77), True, filters)


def test_newer_turns_to_the_page_before_just_after_its_job() -> None:
    custom_id = named("newer", page=2, anchor=500)

    assert read_turn(custom_id) == HistoryTurn(PagePlace(1, after_id=500), False, HistoryFilters())


def test_a_listing_without_filters_keeps_them_empty() -> None:
    turn = read_turn(named("older", anchor=9))

    assert turn is not None
    assert turn.filters == HistoryFilters()
    assert turn.public is False


def test_the_largest_numbers_with_a_kind_leave_room_for_a_short_search() -> None:
    longest_kind = JobKind("x" * 32)  # /history's kind option takes up to 32 characters
    filters = HistoryFilters(user_id=SNOWFLAKE_MAX, kind=longest_kind, search="owl")

    custom_id = turn_id(
        "newer", SNOWFLAKE_MAX, page_number=10**6, anchor=JOB_ID_MAX, public=True, filters=filters
    )

    assert custom_id is not None
    assert len(custom_id) <= MAX_CUSTOM_ID
    assert read_turn(custom_id) == HistoryTurn(PagePlace(10**6 - 1, after_id=JOB_ID_MAX), True, filters)


@pytest.mark.parametrize("search", ["x" * 100, "🦊" * 40])
def test_a_search_too_long_to_fit_is_not_named(search: str) -> None:
    filters = HistoryFilters(user_id=SNOWFLAKE_MAX, kind=IMAGE, search=search)

    assert turn_id("older", SNOWFLAKE_MAX, page_number=1, anchor=5, public=False, filters=filters) is None


def test_the_longest_search_that_fits_is_named_within_the_limit() -> None:
    short = named("older", search="")
    room = MAX_CUSTOM_ID - len(short)
    custom_id = named("older", search="y" * room)

    assert len(custom_id) == MAX_CUSTOM_ID
    assert (
        turn_id(
            "older",
            SNOWFLAKE_MAX,
            page_number=3,
            anchor=1234,
            public=False,
            filters=HistoryFilters(search="y" * (room + 1)),
        )
        is None
    )


def test_nowhere_to_turn_is_not_named() -> None:
    assert turn_id("older", 1, page_number=1, anchor=None, public=False, filters=HistoryFilters()) is None


@pytest.mark.parametrize(
    "custom_id",
    [
        "",
        "history:older:123456789",  # an older listing's plain id
        "history:open:1:1:1:0:::",
        "modlog:older:1:1:1:0:::",
        "history:older:1:1:1:0::",  # a field short
        "history:older:1:0:1:0:::",  # page 0
        "history:older:1:1:0:0:::",  # job 0
        "history:older:1:1:-5:0:::",
        "history:older:1:1: 5:0:::",
        "history:older:1:1:1_0:0:::",
        "history:older:1:1:+1:0:::",
        "history:older:1:1:1:2:::",  # public is 0 or 1
        "history:older:1:1:1:0:XYZ::",  # numbers are lower-case base 36
        "history:older:1:1:1:0::Image:",
        "history:older:1:1:1:0::ima ge:",
        "history:older:1:1:zzzzzzzzzzzzzz:0:::",  # beyond 64 bits
        "history:older:1:1:1:0:::" + "s" * 90,  # over 100 characters
    ],
)
def test_anything_but_a_named_page_is_not_read_as_one(custom_id: str) -> None:
    assert read_turn(custom_id) is None


def test_a_search_may_hold_colons() -> None:
    turn = read_turn(named("older", search="a:b::c"))

    assert turn is not None
    assert turn.filters.search == "a:b::c"


@pytest.mark.parametrize("status", list(JobStatus))
def test_a_status_filter_is_named_and_read_back(status: JobStatus) -> None:
    filters = HistoryFilters(user_id=SNOWFLAKE_MAX, kind=IMAGE, search="owl", status=status)

    custom_id = turn_id(
        "older", SNOWFLAKE_MAX, page_number=2, anchor=JOB_ID_MAX, public=False, filters=filters
    )

    assert custom_id is not None
    assert read_turn(custom_id) == HistoryTurn(PagePlace(3, before_id=JOB_ID_MAX), False, filters)


def test_a_made_up_status_is_not_read_as_a_page() -> None:
    parts = named("older", search="owl").split(":")
    parts[-2] = "burnt"  # the status's field, just before the search

    assert read_turn(":".join(parts)) is None
