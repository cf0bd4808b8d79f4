"""What can be made from a finished result, described once: Vary, Remix, Edit, Upscale, Cover, a reply.

Each action names the kind it makes (the result's own, or another such as ``upscale``), the strength it
starts from, and how it is spoken of. A job made this way keeps where it came from (``MadeFrom``) in its
seed document, so its messages say "Vary (strong) of #123" and its files record their source. When the
source's result is a message everyone in its server may open, where that message is (``ResultMessage``) is
kept too, taken when the job is made: its messages then link "#123" to it with no lookup while they are
drawn, and the link outlives a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.jobs.scopes import is_personal
from core.jobs.snapshots import JobView, SafetyAction
from core.kinds import JobKind
from core.kinds.song import COVER_STRENGTH


class ResultAction(StrEnum):
    VARY_SUBTLE = "subtle"
    VARY_STRONG = "strong"
    REMIX = "remix"
    EDIT = "edit"
    UPSCALE = "upscale"
    COVER = "cover"
    ANIMATE = "animate"
    ZOOM_OUT_2X = "zoom2"
    ZOOM_OUT_1_5X = "zoom15"
    ZOOM_CUSTOM = "zoomcustom"
    PAN_LEFT = "panleft"
    PAN_RIGHT = "panright"
    PAN_UP = "panup"
    PAN_DOWN = "pandown"
    REPLY = "reply"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    label: str
    # The kind it makes; None: the result's own kind (image-to-image, a cover of a song).
    kind: JobKind | None
    # How far the new job may move from the result (the samplers' denoise); None: the workflow's own.
    strength: float | None
    # The media of the result it starts from (an artifact's type, which is also the input role it fills).
    takes: str
    # The result's main text (its prompt) goes with it to the new kind (Animate: the picture's prompt says
    # what moves); other actions into another kind start afresh or from what the member types.
    carries_text: bool = False
    # Parameters the action sets on the new job (a Zoom Out's zoom), over the result's own.
    changes: Mapping[str, Any] = field(default_factory=dict)


def _outpaint(label: str, **move: Any) -> ActionSpec:
    """Zoom Out or Pan (the same kind, an image): the border is drawn at full strength whatever the
    result's own was, so none is kept."""
    return ActionSpec(label, None, None, "image", changes={**move, "strength": None})


# Strengths: at denoise 0.35 an SD-class sampler keeps the composition, colours and subjects and redraws
# texture and detail (Midjourney's "subtle"); at 0.7 it keeps the rough layout and palette but redraws the
# subjects (its "strong"). Below about 0.3 the change is hard to see; above about 0.8 the result is barely
# recognisable. Remix and a reply change the prompt, so they need the strong end to show the new words.
# A cover starts where `/song audio:` does: the song kind's COVER_STRENGTH (why, there).
ACTIONS: dict[ResultAction, ActionSpec] = {
    ResultAction.VARY_SUBTLE: ActionSpec("Vary (subtle)", None, 0.35, "image"),
    ResultAction.VARY_STRONG: ActionSpec("Vary (strong)", None, 0.7, "image"),
    ResultAction.REMIX: ActionSpec("Remix", None, 0.7, "image"),
    ResultAction.REPLY: ActionSpec("Remix", None, 0.7, "image"),
    ResultAction.EDIT: ActionSpec("Edit", JobKind("edit"), None, "image"),
    ResultAction.UPSCALE: ActionSpec("Upscale", JobKind("upscale"), None, "image"),
    ResultAction.COVER: ActionSpec("Cover", None, COVER_STRENGTH, "audio"),
    # The picture as a video's first frame (core/kinds/video.py); the sampler still draws every frame.
    ResultAction.ANIMATE: ActionSpec("Animate", JobKind("video"), None, "image", carries_text=True),
    # Midjourney's Zoom Out and Pan: the same prompt drawn around the picture (core/kinds/outpaint.py).
    ResultAction.ZOOM_OUT_2X: _outpaint("Zoom Out 2x", zoom=2.0),
    ResultAction.ZOOM_OUT_1_5X: _outpaint("Zoom Out 1.5x", zoom=1.5),
    # A form: the prompt and how far out, starting from this zoom.
    ResultAction.ZOOM_CUSTOM: _outpaint("Custom Zoom", zoom=2.0),
    ResultAction.PAN_LEFT: _outpaint("Pan left", pan="left"),
    ResultAction.PAN_RIGHT: _outpaint("Pan right", pan="right"),
    ResultAction.PAN_UP: _outpaint("Pan up", pan="up"),
    ResultAction.PAN_DOWN: _outpaint("Pan down", pan="down"),
}


@dataclass(frozen=True, slots=True)
class ResultMessage:
    """Where a result's message is, for anyone in its server to jump to."""

    guild_id: int
    channel_id: int
    message_id: int

    @classmethod
    def of(cls, job: JobView) -> ResultMessage | None:
        """A public result's message in a server's channel. None where a link would lead nowhere or to what
        others may not see: a private (ephemeral) result, a personal scope (a DM, or a server without the
        bot, whose id is not kept), a result deleted (its message went with it) or withheld, no message."""
        message_id = job.channel_message_id or job.response_message_id
        if (
            message_id is None
            or job.private
            or is_personal(job.guild_id)
            or job.deleted_at is not None
            or job.safety_action is SafetyAction.WITHHELD
        ):
            return None
        return cls(job.guild_id, job.channel_id, message_id)

    @classmethod
    def read(cls, found: object) -> ResultMessage | None:
        if not isinstance(found, list) or len(found) != 3 or not all(isinstance(i, int) for i in found):
            return None
        return cls(*found)


@dataclass(frozen=True, slots=True)
class MadeFrom:
    """The result a job was made from: which job, which of its files (0-based, of `out_of`), by what, and
    where its message is when everyone may open it."""

    job_id: int
    action: ResultAction
    index: int = 0
    out_of: int = 1
    message: ResultMessage | None = None

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "job_id": self.job_id,
            "action": self.action.value,
            "index": self.index,
            "out_of": self.out_of,
        }
        if self.message is not None:
            shown = self.message
            document["message"] = [shown.guild_id, shown.channel_id, shown.message_id]
        return document

    @classmethod
    def read(cls, seed_document: dict[str, Any] | None) -> MadeFrom | None:
        """What a job's seed document says it was made from (None: made from a request, or unreadable)."""
        found = (seed_document or {}).get("made_from")
        if not isinstance(found, dict):
            return None
        try:
            return cls(
                int(found["job_id"]),
                ResultAction(found["action"]),
                int(found.get("index", 0)),
                int(found.get("out_of", 1)),
                ResultMessage.read(found.get("message")),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def describe(self) -> str:
        """ "Vary (strong) of #123", and which file ("image 2") when the source made several."""
        spec = ACTIONS[self.action]
        text = f"{spec.label} of #{self.job_id}"
        if self.out_of > 1:
            text += f", {file_noun(spec.takes)} {self.index + 1}"
        return text


def file_noun(role: str) -> str:
    """One file of a result, as people say it: "image 2", "take 2" (of a song)."""
    return {"image": "image", "audio": "take"}.get(role, "file")


def with_made_from(metadata: dict[str, Any], made_from: MadeFrom | None) -> dict[str, Any]:
    """The seed document of a job, with its source when it was made from a result."""
    if made_from is None:
        return metadata
    return {**metadata, "made_from": made_from.document()}
