"""Each job's parameters parsed once, not at every read of its row.

A queued job is read again each time the position announcer tells it its place (about 4.5 times a job in
bench/queue.py), and at its claim; each read used to run its kind's pydantic model over the same stored
document. The parsed parameters are kept by job id beside the document they came from, and given again only
while the row still holds an equal document of the same kind: a job whose parameters were rewritten is
parsed anew. The models are frozen, so one instance can serve every view of the job.
"""

from __future__ import annotations

from typing import Any

from db.snapshots import ParamsReader, StoredParams


class ParsedParams:
    """The typed parameters of the jobs read last (at most `keep`), for the loop's thread only."""

    def __init__(self, read: ParamsReader, *, keep: int = 1024) -> None:
        self._read = read
        self._keep = keep
        self._parsed: dict[int, tuple[str, dict[str, Any], StoredParams]] = {}

    def __call__(self, job_id: int, kind: str, document: dict[str, Any]) -> StoredParams:
        kept = self._parsed.pop(job_id, None)
        if kept is None or kept[0] != kind or kept[1] != document:
            kept = (kind, document, self._read(kind, document))
        self._parsed[job_id] = kept  # last in the order: the longest kept
        if len(self._parsed) > self._keep:
            del self._parsed[next(iter(self._parsed))]
        return kept[2]
