"""What an inspected input is, the limits it is held to, and the refusals with their user messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.errors import UserFacingError
from core.texts import Text


class InputKind(enum.StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


_ARTICLE_NOUN = {InputKind.IMAGE: "a picture", InputKind.AUDIO: "a sound file", InputKind.VIDEO: "a video"}


def described(kind: InputKind) -> str:
    """The kind in a sentence: "a picture", "a sound file", "a video"."""
    return _ARTICLE_NOUN[kind]


@dataclass(frozen=True, slots=True)
class InputLimits:
    """How much an input may weigh. Defaults fit a 1080p-class picture or a song of a few minutes."""

    max_bytes: int = 25 * 1024 * 1024
    # Pixels are refused from the header, before any decoding: a tiny PNG can claim 30000x30000 (a
    # "decompression bomb") and would need gigabytes of memory to open.
    max_pixels: int = 40_000_000
    max_seconds: float = 600.0


@dataclass(frozen=True, slots=True)
class InputFacts:
    """An input that decoded: what it is, found from its content; the declared name is kept for the record."""

    kind: InputKind
    mime: str
    sha256: str
    size: int
    declared_name: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


class RefusalReason(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_MEDIA = "not_media"  # neither a picture we read nor audio/video we decode
    DAMAGED = "damaged"  # recognised but does not decode to the end
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_LONG = "too_long"
    WRONG_KIND = "wrong_kind"


class InputRefused(UserFacingError):
    """An input we will not use, with the reason in words for the person who sent it."""

    def __init__(self, reason: RefusalReason, user_message: str | Text, *, detail: str | None = None) -> None:
        super().__init__(user_message, detail=detail or f"{reason}: {user_message}")
        self.reason = reason


def _megabytes(size: int) -> str:
    """25 MB, 25.4 MB (a file just over the limit must not read as the limit), 900 KB for small limits."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def empty() -> InputRefused:
    return InputRefused(RefusalReason.EMPTY, Text("inputs.empty", "That file is empty."))


def too_large(max_bytes: int, size: int | None = None) -> InputRefused:
    """Over the size cap; ``size`` None when it is not known (a download stopped once it passed the cap)."""
    most = _megabytes(max_bytes)
    if size is None:
        return InputRefused(
            RefusalReason.TOO_LARGE,
            Text("inputs.too_large_unsized", f"That file is too large; the limit is {most}.", {"most": most}),
        )
    given = _megabytes(size)
    return InputRefused(
        RefusalReason.TOO_LARGE,
        Text(
            "inputs.too_large",
            f"That file is too large ({given}); the limit is {most}.",
            {"given": given, "most": most},
        ),
    )


def not_media(declared_name: str, detail: str) -> InputRefused:
    return InputRefused(
        RefusalReason.NOT_MEDIA,
        Text(
            "inputs.not_media",
            "I couldn't read that file as a picture, a sound file or a video "
            "(PNG, JPEG, WebP, MP3, WAV, FLAC, OGG, MP4...).",
        ),
        detail=f"{declared_name!r} is not media: {detail}",
    )


def heif_picture(declared_name: str) -> InputRefused:
    return InputRefused(
        RefusalReason.NOT_MEDIA,
        Text(
            "inputs.heif",
            "That looks like an HEIC photo, which I can't read. Please send it as a JPEG or PNG (an iPhone "
            "takes JPEG photos with Settings → Camera → Formats → Most Compatible).",
        ),
        detail=f"{declared_name!r} is a HEIF picture this Pillow does not read",
    )


def damaged(kind: InputKind, detail: str) -> InputRefused:
    return InputRefused(
        RefusalReason.DAMAGED,
        Text(
            "inputs.damaged",
            f"That file looks like {_said(kind)} but is damaged or cut short; please send it again.",
            {"kind": _said(kind)},
        ),
        detail=detail,
    )


def too_many_pixels(width: int | None, height: int | None, limits: InputLimits) -> InputRefused:
    megapixels = limits.max_pixels / 1_000_000
    most = f"{megapixels:g}"
    if width is None or height is None:
        return InputRefused(
            RefusalReason.TOO_MANY_PIXELS,
            Text(
                "inputs.too_many_pixels",
                f"That picture is too big; the limit is {most} megapixels.",
                {"most": most},
            ),
        )
    return InputRefused(
        RefusalReason.TOO_MANY_PIXELS,
        Text(
            "inputs.too_many_pixels_sized",
            f"That picture is too big ({width}x{height} pixels); the limit is {most} megapixels.",
            {"width": width, "height": height, "most": most},
        ),
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def too_long(seconds: float, limits: InputLimits) -> InputRefused:
    given, most = _clock(seconds), _clock(limits.max_seconds)
    return InputRefused(
        RefusalReason.TOO_LONG,
        Text(
            "inputs.too_long",
            f"That recording is too long ({given}); the limit is {most}.",
            {"given": given, "most": most},
        ),
    )


def wrong_kind(found: InputKind, wanted: InputKind) -> InputRefused:
    return InputRefused(
        RefusalReason.WRONG_KIND,
        Text(
            "inputs.wrong_kind",
            f"That file is {_said(found)}, but this needs {_said(wanted)}.",
            {"found": _said(found), "wanted": _said(wanted)},
        ),
    )


def _said(kind: InputKind) -> Text:
    return Text(f"roles.{kind.value}", described(kind))
