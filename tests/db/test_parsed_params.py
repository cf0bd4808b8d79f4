"""A job's parameters parsed once while its stored document stays the same (db.parsed_params)."""

from __future__ import annotations

from typing import Any

from db.parsed_params import ParsedParams
from tests.db.factories import StoredDocument, read_document


class CountingReader:
    def __init__(self) -> None:
        self.read: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, kind: str, document: dict[str, Any]) -> StoredDocument:
        self.read.append((kind, document))
        return read_document(kind, document)


def test_a_job_read_again_with_an_equal_document_is_parsed_once() -> None:
    reader = CountingReader()
    parsed = ParsedParams(reader)

    first = parsed(1, "image", {"prompt": "a fox", "seed": 7})
    again = parsed(1, "image", {"prompt": "a fox", "seed": 7})

    assert again is first
    assert reader.read == [("image", {"prompt": "a fox", "seed": 7})]


def test_a_rewritten_document_or_another_kind_is_parsed_anew() -> None:
    reader = CountingReader()
    parsed = ParsedParams(reader)
    parsed(1, "image", {"prompt": "a fox"})

    rewritten = parsed(1, "image", {"prompt": "a wolf"})
    other_kind = parsed(1, "edit", {"prompt": "a wolf"})

    assert rewritten.model_dump() == {"prompt": "a wolf"}
    assert other_kind is not rewritten
    assert [kind for kind, _ in reader.read] == ["image", "image", "edit"]


def test_other_jobs_with_the_same_document_are_parsed_each() -> None:
    reader = CountingReader()
    parsed = ParsedParams(reader)

    parsed(1, "image", {"prompt": "a fox"})
    parsed(2, "image", {"prompt": "a fox"})

    assert len(reader.read) == 2


def test_only_the_jobs_read_last_are_kept() -> None:
    reader = CountingReader()
    parsed = ParsedParams(reader, keep=2)
    for job_id in (1, 2, 1, 3):  # job 1 read again: job 2 is the oldest when job 3 comes
        parsed(job_id, "image", {"prompt": f"job {job_id}"})

    parsed(1, "image", {"prompt": "job 1"})
    parsed(2, "image", {"prompt": "job 2"})

    assert [document["prompt"] for _, document in reader.read] == ["job 1", "job 2", "job 3", "job 2"]
