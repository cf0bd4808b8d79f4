"""From a classifier's scores to a decision: flagged when a counted label reaches the threshold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# NudeNet's labels for exposed nudity; covered bodies, faces and feet are not flagged.
DEFAULT_FLAGGED_LABELS = (
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "BUTTOCKS_EXPOSED",
    "ANUS_EXPOSED",
)
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Thresholds:
    """SAFETY_THRESHOLD and SAFETY_LABELS."""

    threshold: float = DEFAULT_THRESHOLD
    labels: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_FLAGGED_LABELS))


@dataclass(frozen=True, slots=True)
class Verdict:
    classifier: str
    scores: Mapping[str, float]
    flagged: bool
    # The counted labels at or over the threshold, highest first: what a moderation log names.
    reasons: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        """As stored on the artifact (JSON)."""
        return {
            "classifier": self.classifier,
            "scores": {label: round(score, 4) for label, score in sorted(self.scores.items())},
            "flagged": self.flagged,
            "reasons": list(self.reasons),
        }


def decide(classifier: str, scores: Mapping[str, float], thresholds: Thresholds) -> Verdict:
    hits = sorted(
        (
            label
            for label, score in scores.items()
            if label in thresholds.labels and score >= thresholds.threshold
        ),
        key=lambda label: -scores[label],
    )
    return Verdict(classifier, dict(scores), bool(hits), tuple(hits))


def combined(verdicts: Iterable[Verdict]) -> Verdict | None:
    """Several pictures (a video's frames) as one: each label's highest score, flagged if any is."""
    found = list(verdicts)
    if not found:
        return None
    scores: dict[str, float] = {}
    for verdict in found:
        for label, score in verdict.scores.items():
            scores[label] = max(score, scores.get(label, 0.0))
    reasons = dict.fromkeys(reason for verdict in found for reason in verdict.reasons)
    return Verdict(found[0].classifier, scores, any(v.flagged for v in found), tuple(reasons))
