"""A job made from a result keeps where it came from, and says it in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.jobs.derived import ACTIONS, MadeFrom, ResultAction, ResultMessage, with_made_from
from db.enums import SafetyAction
from tests.bot.history_factories import a_job

GUILD, CHANNEL, RESPONSE, POSTED = 1001, 1002, 1003, 1004


def test_made_from_survives_the_seed_document() -> None:
    made = MadeFrom(123, ResultAction.VARY_STRONG, index=1, out_of=4)
    document = with_made_from({"prompt": "a boat"}, made)
    assert document["prompt"] == "a boat"
    assert MadeFrom.read(document) == made
    assert made.describe() == "Vary (strong) of #123, image 2"


def test_one_file_is_not_numbered_and_a_song_has_takes() -> None:
    assert MadeFrom(5, ResultAction.UPSCALE).describe() == "Upscale of #5"
    assert MadeFrom(6, ResultAction.COVER, 1, 2).describe() == "Cover of #6, take 2"


def test_a_document_without_a_source_or_with_a_broken_one_reads_as_none() -> None:
    assert MadeFrom.read(None) is None
    assert MadeFrom.read({"prompt": "x"}) is None
    assert MadeFrom.read({"made_from": {"job_id": "x", "action": "strong"}}) is None
    assert MadeFrom.read({"made_from": {"job_id": 1, "action": "dance"}}) is None
    assert with_made_from({"a": 1}, None) == {"a": 1}


def test_subtle_stays_closer_to_the_result_than_strong() -> None:
    subtle = ACTIONS[ResultAction.VARY_SUBTLE].strength
    strong = ACTIONS[ResultAction.VARY_STRONG].strength
    assert subtle is not None
    assert strong is not None
    assert 0 < subtle < strong < 1


def test_where_the_source_message_is_survives_the_seed_document() -> None:
    made = MadeFrom(123, ResultAction.UPSCALE, message=ResultMessage(GUILD, CHANNEL, RESPONSE))
    assert MadeFrom.read(with_made_from({}, made)) == made


def test_a_broken_message_place_leaves_the_rest_of_the_source() -> None:
    document = {"made_from": {"job_id": 5, "action": "strong", "message": [GUILD, "x", RESPONSE]}}
    assert MadeFrom.read(document) == MadeFrom(5, ResultAction.VARY_STRONG)


def test_a_public_result_in_a_server_is_found_at_its_message() -> None:
    answered = a_job(guild_id=GUILD, channel_id=CHANNEL, response_message_id=RESPONSE)
    posted_anew = a_job(
        guild_id=GUILD, channel_id=CHANNEL, response_message_id=RESPONSE, channel_message_id=POSTED
    )
    assert ResultMessage.of(answered) == ResultMessage(GUILD, CHANNEL, RESPONSE)
    # A result posted as a new message (its token had ended) is there, not on the first answer.
    assert ResultMessage.of(posted_anew) == ResultMessage(GUILD, CHANNEL, POSTED)


@pytest.mark.parametrize(
    "changes",
    [
        {"private": True},
        {"guild_id": -3},  # someone's own use of the app: a DM, or a server without the bot
        {"response_message_id": None},
        {"deleted_at": datetime(2026, 12, 1, tzinfo=UTC)},
        {"safety_action": SafetyAction.WITHHELD},
    ],
)
def test_no_message_to_link_where_others_could_not_open_it(changes: dict[str, object]) -> None:
    job = a_job(**{"guild_id": GUILD, "channel_id": CHANNEL, "response_message_id": RESPONSE, **changes})
    assert ResultMessage.of(job) is None
