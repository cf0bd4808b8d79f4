"""Text folded to the form blocked words are matched in: the same for the word list and for requests.

Folding undoes the disguises that need no guessing: compatibility forms (fullwidth, 𝐛𝐨𝐥𝐝, ①, ᵍ) by NFKC,
case by case folding, accents and zalgo by dropping combining marks, zero-width characters (and other
invisible format characters) by dropping them, and what NFKC leaves alone by the small tables below:
Cyrillic/Greek letters drawn like Latin ones, small capitals (ᴀ ʙ ɢ) and letters in black circles,
black squares and flags (🅐 🅰 🇦). Digit and symbol swaps (0 for o, 1 for i or l) are ambiguous, so they
are not folded here: the patterns in `core.jobs.blocked_words` accept them where a letter is expected.
"""

from __future__ import annotations

import unicodedata

# Letters of other scripts that readers take for Latin ones in common fonts (the well-known part of
# Unicode's confusables list, written out here: a handful of letters is all the trick needs).
# Capitals are listed apart because they are read differently once case-folded: Greek Η is read "H",
# its small η would be read "n".
_LOOK_ALIKES = {
    # Cyrillic capitals and smalls
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "ӏ": "l", "о": "o",
    "р": "p", "ѕ": "s", "у": "y", "ү": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ё": "e",
    # Greek capitals and smalls
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "γ": "y",
    "ε": "e", "ω": "w", "τ": "t",
    # Latin letters outside a-z that stand in for them
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g",
    # Small capitals ("ɢᴏʀᴇ"; x has none): NFKC keeps them, they are letters of their own in IPA
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ꞯ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
# Letters drawn in a black circle (🅖), a black square (🅶) or as a flag's half (🇬): symbols to NFKC, which
# folds only the white circled and squared ones (Ⓖ, 🄶).
_ENCLOSED = {
    chr(first + n): letter
    for first in (0x1F150, 0x1F170, 0x1F1E6)
    for n, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}
_LATIN = str.maketrans(_LOOK_ALIKES | _ENCLOSED)
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})  # combining marks; zero-width and format characters


def fold(text: str) -> str:
    """`text` as blocked words are compared with it (lengths may change: ß folds to ss)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_LATIN).casefold()
    # Case folding can make letters the table lists by their small form only (Cyrillic Ԁ -> ԁ).
    text = unicodedata.normalize("NFD", text.translate(_LATIN))
    kept = "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return unicodedata.normalize("NFC", kept)
