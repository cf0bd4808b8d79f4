"""Song vocabulary: keys, time signatures, lyrics sections, and how ACE-Step wants them written."""

from __future__ import annotations

import re
from collections.abc import Iterable

TEMPO_RANGE = (40, 240)
DURATION_RANGE = (10.0, 240.0)
TIME_SIGNATURES = ("2/4", "3/4", "4/4", "6/8")

# Section names we accept (case-insensitive, optionally numbered: "[Verse 2]") and the ACE-Step marker
# each becomes. ACE-Step does not number sections, so "[Verse 2]" is simply another "[verse]".
SECTION_MARKERS = {
    "intro": "intro",
    "verse": "verse",
    "pre-chorus": "pre-chorus",
    "prechorus": "pre-chorus",
    "pre chorus": "pre-chorus",
    "chorus": "chorus",
    "refrain": "chorus",
    "hook": "chorus",
    "bridge": "bridge",
    "outro": "outro",
    "inst": "inst",
    "instrumental": "inst",
    "interlude": "inst",
    "solo": "inst",
    "break": "inst",
    "instrumental break": "inst",
    "post-chorus": "chorus",
    "postchorus": "chorus",
    "post chorus": "chorus",
    "end": "outro",
    "fade out": "outro",
    "fade-out": "outro",
    "fadeout": "outro",
    # German, the other language the bot speaks ("Refrain" and "Bridge" are already here).
    "strophe": "verse",
    "vers": "verse",
    "zwischenspiel": "inst",
}
SECTION_NAMES = ("intro", "verse", "pre-chorus", "chorus", "bridge", "outro", "inst")

_HEADER = re.compile(r"^\s*\[([^\[\]\n]*)\]\s*$")
_NUMBERED = re.compile(r"^(.*?)[\s_-]*\d{0,2}$")
# What lyrics sites and Suno write around a section's name: who sings it ("Verse 1: Alice"), how often
# ("Chorus x2") and which one ("Final Chorus"). ACE-Step has one marker per kind of section, so they go.
_SINGER = re.compile(r"\s*:.*$")
_REPEATS = re.compile(r"\s*\(?\s*(?:[x×]\s*\d{1,2}|\d{1,2}\s*[x×]|repeat)\s*\)?$")
_WHICH = re.compile(r"^(?:final|last|first)\s+")
# "Guitar Solo", "Piano Solo", "Sax Solo": an instrument's part, sung by nobody.
_SOLO = re.compile(r"^[\w -]{1,20}[\s-]solo$")
_KEY = re.compile(
    r"^\s*([A-Ga-g])[\s-]*([#♯b♭]|sharp|flat)?[\s-]*(major|minor|maj|min|m)?\s*$",
    re.IGNORECASE,
)
_ACCIDENTAL = {"": "", "#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}
# ACE-Step 1.5's keyscale choices name each key by its usual spelling: these four are written as the same
# note's other name, which the encoder offers (a "Cb major" would fail when the job runs).
_ENHARMONIC = {"Cb": "B", "Fb": "E", "E#": "F", "B#": "C"}


def normalise_key(text: str) -> str:
    """``"f# MINOR"`` → ``"F# minor"``, ``"B flat"`` → ``"Bb major"``, ``"Am"`` → ``"A minor"``."""
    match = _KEY.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a key like 'C major', 'F# minor' or 'Bb'")
    note, accidental, mode = match[1].upper(), _ACCIDENTAL[(match[2] or "").lower()], (match[3] or "")
    minor = mode.lower() in ("minor", "min") or mode == "m"
    if mode == "M":  # "CM" is the usual shorthand for C major
        minor = False
    root = _ENHARMONIC.get(note + accidental, note + accidental)
    return f"{root} {'minor' if minor else 'major'}"


def section_marker(label: str) -> str | None:
    """The ACE-Step marker for a header label ("Verse 2" → "verse"), None if unknown."""
    cleaned = " ".join(label.strip().lower().split())
    cleaned = _WHICH.sub("", _REPEATS.sub("", _SINGER.sub("", cleaned)))
    if cleaned in SECTION_MARKERS:
        return SECTION_MARKERS[cleaned]
    match = _NUMBERED.match(cleaned)
    base = match[1].strip() if match else cleaned
    if _SOLO.match(base):
        return "inst"
    return SECTION_MARKERS.get(base)


def section_labels(lyrics: str) -> list[str]:
    """Every ``[header]`` line's label, in order."""
    return [match[1] for line in lyrics.splitlines() if (match := _HEADER.match(line))]


def unknown_sections(lyrics: str) -> list[str]:
    """Header labels that are not a section we know, each once, in order of appearance."""
    unknown: list[str] = []
    for label in section_labels(lyrics):
        if section_marker(label) is None and label not in unknown:
            unknown.append(label)
    return unknown


def ace_step_lyrics(lyrics: str) -> str:
    """Lyrics with every section header rewritten as the ACE-Step marker; no words means instrumental."""
    if not lyrics.strip():
        return "[inst]"
    lines = []
    for line in lyrics.strip().splitlines():
        match = _HEADER.match(line)
        marker = section_marker(match[1]) if match else None
        lines.append(f"[{marker}]" if marker else line.rstrip())
    return "\n".join(lines)


def time_signature_numerator(time_signature: str) -> str:
    """ACE-Step 1.5's ``timesignature`` choice: beats per bar, "3/4" → "3"."""
    return time_signature.split("/", 1)[0]


def ace_step_tags(parts: Iterable[str | None]) -> str:
    """The comma-separated style prompt ACE-Step is trained on, without empty or repeated parts."""
    tags: list[str] = []
    for part in parts:
        for tag in (part or "").split(","):
            cleaned = " ".join(tag.split())
            if cleaned and cleaned.lower() not in (existing.lower() for existing in tags):
                tags.append(cleaned)
    return ", ".join(tags)
