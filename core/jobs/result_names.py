"""The names a job's files carry where people download them: a song by its title, as Suno names its downloads;
a picture or a video by the first words of its prompt, the job's number and its place among the job's files,
as Midjourney names them; an upscale by the first words of the picture it was made from, then
"upscaled_x2" and its number. The files in DATA_DIR keep the names ComfyUI gave them.

A name is spelled only with what Discord keeps of an uploaded file's name: it renames every upload as
werkzeug's ``secure_filename`` does (accents transliterated, anything but ASCII letters, digits, ``_``,
``-`` and ``.`` dropped, spaces turned into ``_``, leading dots and underscores removed;
discord/discord-api-docs#7754), and its docs ask the same of an ``attachment://`` reference ("ASCII
alphanumeric with underscores, dashes, or dots", Uploading Files). A name Discord would change no longer
matches the bot's own reference to it, and its CDN address is not found again. Such a name is also safe on
Windows, macOS and Linux.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any

from core.jobs.derived import MadeFrom
from core.jobs.snapshots import ArtifactView, JobView
from core.kinds.spec import KindSpec, spec_of
from core.prompts.flags import extract_flags

MAX_STEM_CHARS = 80
# A prompt names its pictures by its first words, leaving room for the job's number and the picture's.
PROMPT_WORDS = 8
PROMPT_CHARS = 60
# Letters that Unicode decomposition does not take apart, spelled as they are without them.
_SPELLED = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "ı": "i",
    }
)  # fmt: skip
_BETWEEN_WORDS = re.compile(r"[^A-Za-z0-9-]+")
# Names Windows keeps for devices, whatever the extension.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
)


def safe_stem(text: str, *, max_words: int | None = None, max_chars: int = MAX_STEM_CHARS) -> str:
    """``text`` as a file name's stem: its words (transliterated to ASCII) joined by ``_``, whole words up to
    ``max_chars``; "" when nothing of it can be spelled so."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_SPELLED)).encode("ascii", "ignore").decode()
    words = [kept for word in _BETWEEN_WORDS.split(ascii_text) if (kept := word.strip("-"))][:max_words]
    stem = ""
    for word in words:
        longer = f"{stem}_{word}" if stem else word
        if len(longer) > max_chars:
            break
        stem = longer
    if not stem and words:  # one word longer than the whole name may be
        stem = words[0][:max_chars].rstrip("-")
    return f"{stem}_" if stem.upper() in _RESERVED else stem


def result_file_names(job: JobView, artifacts: Sequence[ArtifactView]) -> dict[int, str]:
    """The download name of each of a job's files, by artifact id. ``artifacts`` are all the job's files, in
    their order: a file's number is its place among them. A job whose words make no name keeps the names
    its files have on disk."""
    spec = spec_of(job.params)
    several = len(artifacts) > 1
    numbered: Callable[[int], str]
    if spec.file_title is not None:
        title = safe_stem(spec.file_title(job.params))
        numbered = (lambda n: f"{title}_{n}") if several else (lambda n: title)
    else:
        title = _words_title(job, spec)
        numbered = (lambda n: f"{title}_{job.id}_{n}") if several else (lambda n: f"{title}_{job.id}")
    names = {}
    for number, artifact in enumerate(artifacts, start=1):
        stored = PurePath(artifact.path).name
        names[artifact.id] = f"{numbered(number)}{PurePath(stored).suffix}" if title else stored
    return names


def _words_title(job: JobView, spec: KindSpec[Any]) -> str:
    """The first words of a job's main text; for a kind whose request has none (an upscale, asked by a
    factor), its marker after the first words of the result it was made from: its files then sit by
    that result's when sorted by name."""
    main_text = getattr(job.params, spec.main_field, "")
    if isinstance(main_text, str):
        return safe_stem(main_text, max_words=PROMPT_WORDS, max_chars=PROMPT_CHARS)
    if spec.file_marker is None:
        return ""
    marker = safe_stem(spec.file_marker(job.params), max_chars=PROMPT_CHARS)
    # A job made from a result was given that result's request as its own (core.jobs.from_results).
    source_words = extract_flags(job.raw_input).prompt if MadeFrom.read(job.seed_document) else ""
    room = PROMPT_CHARS - len(marker) - 1
    source = safe_stem(source_words, max_words=PROMPT_WORDS, max_chars=room) if room > 0 else ""
    return "_".join(stem for stem in (source, marker) if stem)
