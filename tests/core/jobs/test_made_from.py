"""A job made from a result keeps where it came from, and says it in words."""

from __future__ import annotations

from core.jobs.derived import ACTIONS, MadeFrom, ResultAction, with_made_from


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
