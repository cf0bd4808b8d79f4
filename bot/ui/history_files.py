"""Which of a job's artifacts /show can upload again, and in how many messages.

Discord refuses a message whose files add up to more than the interaction's attachment size limit, and takes
at most 10 files per message. A file over the limit on its own is linked (its recorded attachment URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.locales import Words
from core.jobs.snapshots import ArtifactView

MAX_FILES_PER_MESSAGE = 10


@dataclass(frozen=True, slots=True)
class RepostPlan:
    batches: tuple[tuple[ArtifactView, ...], ...]  # one message each
    too_large: tuple[ArtifactView, ...]


def plan_repost(
    artifacts: tuple[ArtifactView, ...], *, size_limit: int, per_message: int = MAX_FILES_PER_MESSAGE
) -> RepostPlan:
    """Keep the artifacts' order; start a new message when the next file would not fit in this one."""
    batches: list[tuple[ArtifactView, ...]] = []
    current: list[ArtifactView] = []
    current_bytes = 0
    too_large: list[ArtifactView] = []
    for artifact in artifacts:
        if artifact.size_bytes > size_limit:
            too_large.append(artifact)
            continue
        if current and (len(current) >= per_message or current_bytes + artifact.size_bytes > size_limit):
            batches.append(tuple(current))
            current, current_bytes = [], 0
        current.append(artifact)
        current_bytes += artifact.size_bytes
    if current:
        batches.append(tuple(current))
    return RepostPlan(tuple(batches), tuple(too_large))


def unavailable_text(
    words: Words,
    too_large: tuple[ArtifactView, ...],
    missing: tuple[ArtifactView, ...],
    *,
    names: Mapping[int, str] | None = None,
) -> str | None:
    """A sentence for the files that could not be uploaded again, with links where Discord still has them.
    ``names``: the files' download names by artifact id (core.jobs.result_names); otherwise those on disk."""
    lines = []
    for artifact, reason in [(a, "too_large") for a in too_large] + [(a, "gone") for a in missing]:
        name = (names or {}).get(artifact.id) or artifact.path.rsplit("/", 1)[-1]
        if artifact.attachment_url:
            lines.append(words(f"files.{reason}_linked", name=name, url=artifact.attachment_url))
        else:
            lines.append(words(f"files.{reason}_never_uploaded", name=name))
    return "\n".join(lines) if lines else None
