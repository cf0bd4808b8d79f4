"""Hypothesis strategies for bad input, and the oracle every outcome must satisfy.

Seeds: every property test in the faults suite runs with ``SEED`` (env FAULTS_HYPOTHESIS_SEED, else a fresh
random one); the seed is listed under "fault figures" at the end of the run (``hypothesis_seed``), so a
failure found in CI is replayed with ``FAULTS_HYPOTHESIS_SEED=<seed> pytest -m faults``.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from hypothesis import strategies as st

from comfy.workflows.aspect import COMMON_ASPECT_RATIOS
from comfy.workflows.music import SECTION_NAMES
from comfy.workflows.params import MAX_SEED
from core.kinds.fields import MAX_COUNT, PROMPT_MAX_CHARS
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from core.prompts import PromptError

SEED = int(os.environ.get("FAULTS_HYPOTHESIS_SEED") or random.SystemRandom().randrange(2**32))
DISCORD_MESSAGE_LIMIT = 2000
# What a user must never read: internals instead of a sentence about their input.
INTERNALS = re.compile(
    r"Traceback|ValidationError|pydantic|invalid literal|base 10|NoneType|object has no attribute|"
    r"Errno|KeyError|TypeError|IndexError|UnicodeDecodeError|JSONDecodeError|errors\.pydantic\.dev"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# -- text of every kind ------------------------------------------------------------------------------------
anything = st.characters(exclude_categories=["Cs"])  # any code point a str can hold in UTF-8
controls = st.sampled_from(
    [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]] + ["\u200b", "\u202e", "\ufeff"]
)
WORD = st.text(st.one_of(anything, controls, st.sampled_from("abc xyz-_:,.")), min_size=1, max_size=12)


def huge(piece: st.SearchStrategy[str], low: int = 100, high: int = 3000) -> st.SearchStrategy[str]:
    """A long text made fast: a random piece repeated (generating 10,000 characters one by one is slow)."""
    return st.builds(lambda text, times: text * times, piece, st.integers(low, high))


# -- prompts with inline flags -----------------------------------------------------------------------------
FLAG_NAMES = st.sampled_from(
    [
        "ar",
        "aspect",
        "aspect-ratio",
        "no",
        "seed",
        "q",
        "quality",
        "style",
        "count",
        "AR",
        "Seed",
        "zz",
        "x-y",
    ]
)
FLAG_DASHES = st.sampled_from(["--", "—", "–", "-", "---", "-- "])
GOOD_VALUES = st.sampled_from(
    ["16:9", "9:16", "1:1", "21:9", "7", "0", str(MAX_SEED), "2", ".5", "high", "draft", "anime", "a, b", "3"]
)
BAD_VALUES = st.one_of(
    st.sampled_from(
        ["", "0:0", "1:0", "16:", ":9", "-1", str(MAX_SEED + 1), "9" * 40, "abc", "²", "٣", "1e9", "5", "nan"]
    ),
    WORD,
)
FLAG = st.builds(
    lambda dash, name, value, quoted: (
        f'{dash}{name} "{value}"' if quoted else f"{dash}{name} {value}".rstrip()
    ),
    FLAG_DASHES,
    FLAG_NAMES,
    st.one_of(GOOD_VALUES, BAD_VALUES),
    st.booleans(),
)
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", " \u3000 ", ""])


@st.composite
def prompts(draw: st.DrawFn) -> str:
    """Words and flags in any order, joined by odd spacing; sometimes huge."""
    parts = draw(st.lists(st.one_of(WORD, FLAG), max_size=12))
    text = "".join(part + draw(SEPARATORS) for part in parts)
    if draw(st.integers(0, 19)) == 0:
        text += draw(huge(st.one_of(WORD, FLAG)))
    return text


# Mostly acceptable prompts (the service is reached), with blocked words now and then.
plain_prompts = st.lists(
    st.one_of(WORD, st.sampled_from(["a", "red", "fox", "forbidden", "Forbidden!", "zz", "ZZ top"])),
    min_size=1,
).map(" ".join)

OPTIONAL_TEXT = st.none() | WORD | huge(WORD, 50, 300)
IMAGE_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "negative": OPTIONAL_TEXT,
        "aspect_ratio": st.none() | st.sampled_from(COMMON_ASPECT_RATIOS) | BAD_VALUES,
        "quality": st.none() | GOOD_VALUES | BAD_VALUES | st.floats(allow_nan=True),
        "style": OPTIONAL_TEXT | st.lists(WORD, max_size=30),
        "seed": st.none() | st.integers(-(2**70), 2**70) | BAD_VALUES,
        "count": st.none() | st.integers(-5, 10) | BAD_VALUES,
    },
)

# -- JSON documents of every wrong shape -------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(anything, max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
IMAGE_KEYS = st.sampled_from(
    ["prompt", "negative_prompt", "aspect_ratio", "quality", "style_tags", "seed", "x"]
)
SONG_KEYS = st.sampled_from(
    ["title", "genre", "mood", "tempo", "key", "time_signature", "lyrics", "duration", "seed", "count", "x"]
)


def documents(keys: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Bytes a user may attach as a JSON document: right keys with wrong values, wrong shapes, not JSON."""
    right_keys_any_values = st.dictionaries(keys, json_values | WORD | huge(WORD), max_size=7)
    encoded = st.one_of(right_keys_any_values, json_values).map(lambda doc: json.dumps(doc).encode())
    return st.one_of(
        encoded,
        encoded.map(lambda raw: raw[: len(raw) // 2]),  # cut short
        encoded.map(lambda raw: b"\xef\xbb\xbf" + raw),  # a byte-order mark
        st.binary(max_size=200),  # not text at all
        st.text(anything, max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
        huge(st.just(b'{"prompt": "a"}'), 5000, 6000),  # over the size limit
    )


# -- lyrics with odd sections ------------------------------------------------------------------------------
SECTION_TAGS = st.one_of(
    st.sampled_from(sorted(SECTION_NAMES)).map(lambda name: name.upper() if len(name) % 2 else name.title()),
    st.builds(lambda name, n: f"{name} {n}", st.sampled_from(sorted(SECTION_NAMES)), st.integers(-1, 99)),
    WORD,
    st.sampled_from(["", " ", "verse][chorus", "[verse", "verse]", "pre chorus", "Pre-Chorus", "outro!"]),
)


@st.composite
def lyrics(draw: st.DrawFn) -> str:
    sections = draw(st.lists(st.tuples(SECTION_TAGS, st.lists(WORD, max_size=4)), max_size=8))
    line_break = draw(st.sampled_from(["\n", "\r\n", " ", "\n\n\n\n", "\u2028"]))
    text = line_break.join(f"[{tag}]{line_break}{line_break.join(body)}" for tag, body in sections)
    if draw(st.integers(0, 19)) == 0:
        text += draw(huge(st.just("[verse]\nla la la\n"), 200, 2000))
    return text


LYRICS_FILENAMES = st.sampled_from(
    [
        "song.txt",
        "SONG.TXT",
        "song.json",
        "song.lyrics",
        "song.md",
        "song.exe",
        "song",
        "../../song.txt",
        ".json",
    ]
)
SONG_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "title": OPTIONAL_TEXT,
        "genre": OPTIONAL_TEXT,
        "mood": OPTIONAL_TEXT,
        "tempo": st.none() | st.integers(-10, 1000) | BAD_VALUES | st.just("120 bpm"),
        "key": st.none() | st.sampled_from(["C major", "a minor", "H", "C##", "Db", "x"]) | WORD,
        "time_signature": st.none() | st.sampled_from(["4/4", "3/4", "7/8", "0/0", "4"]) | WORD,
        "duration": st.none() | st.sampled_from(["1:30", "90", "90s", "0", "9999", "-1"]) | BAD_VALUES,
        "seed": st.none() | st.integers(-(2**70), 2**70) | BAD_VALUES,
        "count": st.none() | st.integers(-5, 10) | BAD_VALUES,
    },
)


# -- the oracle --------------------------------------------------------------------------------------------
def assert_clear_refusal(error: PromptError) -> None:
    """A refusal the user can act on: every problem names its field, no internals, fits in one message."""
    message = error.user_message
    assert message.startswith("Please fix"), message
    assert len(message) <= DISCORD_MESSAGE_LIMIT, len(message)
    assert error.problems
    assert all(problem.field.strip() and problem.message.strip() for problem in error.problems)
    assert not INTERNALS.search(message), message


def assert_sound_image(params: ImageParams) -> None:
    assert params.prompt.strip()
    assert params.prompt == params.prompt.strip()
    assert len(params.prompt) <= PROMPT_MAX_CHARS
    assert not _CONTROL.search(params.prompt), repr(params.prompt)
    assert not _CONTROL.search(params.negative_prompt or "")
    assert 1 <= params.count <= MAX_COUNT
    assert params.seed is None or 0 <= params.seed <= MAX_SEED
    assert ":" in params.aspect_ratio


def assert_sound_song(params: SongParams) -> None:
    assert not _CONTROL.search(params.lyrics), repr(params.lyrics)
    assert 1 <= params.count <= MAX_COUNT
    assert params.seed is None or 0 <= params.seed <= MAX_SEED


def options_as_typed(options: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in options.items() if value is not None}
