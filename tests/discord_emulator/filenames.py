"""What Discord makes of an uploaded file's name: it "cleanses" it as werkzeug's ``secure_filename`` does
(discord/discord-api-docs#7754): accents decomposed and anything outside ASCII dropped, path separators and
runs of spaces turned into one ``_``, every character but ASCII letters, digits, ``_``, ``-`` and ``.``
removed, and ``.`` and ``_`` stripped from both ends. A message's ``attachment://`` references are cleansed
the same way before they are looked up (fixed by Discord in November 2025, per that issue), so a reference
still finds its file; the attachment's `filename` and CDN address carry the cleansed name.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_KEPT = re.compile(r"[^A-Za-z0-9_.-]")


def cleansed(filename: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    spaced = ascii_name.replace("/", " ").replace("\\", " ")
    name = _NOT_KEPT.sub("", "_".join(spaced.split())).strip("._")
    # What Discord names a file left with nothing is not documented: the emulator keeps the name given.
    return name or filename
