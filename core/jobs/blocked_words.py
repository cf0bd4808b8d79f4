"""A guild's blocked words, compiled once into one pattern that sees through the usual disguises.

Both the list and the request are folded the same way (`core.jobs.word_folding`: NFKC, case, accents,
zero-width characters, Cyrillic/Greek look-alikes). On top of that a blocked word is found when it is
written with:

- digit and symbol swaps where a letter is expected (0 o, 1 i l, 3 e, 4 @ a, 5 $ s, 7 t);
- its letters stretched: a letter written three times or more stands for any run of it ("gooore" is
  "gore"). A letter written twice is not a stretch: a blocked "god" must not refuse "good";
- separators between every one of its letters ("g.o.r.e", "g o r e", "g-o-r-e", "g_o_r_e"): each letter
  then stands alone as a one-letter token, so ordinary words next to each other never join into a blocked
  word ("I am a good person" does not spell "amag...").

It is still a whole word: the match can neither begin nor end inside a token (letters, digits, @, $), so
"class", "assistant" and "Scunthorpe" stay welcome. A phrase ("big word") is its words in order, with
separators between them. A word with other symbols in it ("c++") is matched as written, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

from core.jobs.word_folding import fold

# Stand-ins for a letter; a digit or symbol in a blocked word stands for the letters it could be.
_SWAPS = {"a": "4@", "e": "3", "i": "1", "l": "1", "o": "0", "s": "5$", "t": "7"}
_READ_AS = {"0": "o", "1": "il", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t"}

_WORD_CHAR = r"[^\W_]|[@$]"
_STARTS = r"(?<![^\W_])(?<![@$])"  # not preceded by a token character
_ENDS = r"(?![^\W_])(?![@$])"  # not followed by one
_SEPARATOR = r"(?:[^\w@$]|_){1,3}"  # between spelled-out letters, or between the words of a phrase
_LONGEST_STRETCH = 32  # caps the backtracking a run of ambiguous characters (1111…) can cause
_IS_WORD_CHAR = re.compile(rf"(?:{_WORD_CHAR})+")


def _one_of(char: str) -> str:
    letters = _READ_AS.get(char, char)
    forms = {char, *letters, *(swap for letter in letters for swap in _SWAPS.get(letter, ""))}
    return "[" + "".join(re.escape(form) for form in sorted(forms)) + "]"


def _run(form: str, length: int) -> str:
    stretch = f"{form}{{3,{_LONGEST_STRETCH}}}"
    if length >= 3:
        return stretch
    return f"(?:{stretch}|{form * length})"


def _word_pattern(word: str) -> str:
    if not _IS_WORD_CHAR.fullmatch(word):
        return re.escape(word)
    runs = [(_one_of(char), len(list(same))) for char, same in groupby(word)]
    written = "".join(_run(form, length) for form, length in runs)
    if len(word) == 1:
        return written
    spelled_out = _SEPARATOR.join(_one_of(char) for char in word)
    return f"(?:{written}|{spelled_out})"


def entry_pattern(entry: str) -> str | None:
    """The pattern of one blocked word or phrase, without the whole-word guards (None: nothing to match)."""
    words = fold(entry).split()
    if not words:
        return None
    return _SEPARATOR.join(_word_pattern(word) for word in words)


# The key under which a token may be a blocked word (the patterns then decide): every stand-in read as its
# letter, i, l and 1 as one, and runs collapsed, so that stretches and swaps share the key of the word.
_SKELETON = str.maketrans(
    {"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t"}
)
_RUNS = re.compile(r"(.)\1+", re.DOTALL)
_SKELETON_TOKEN = re.compile(r"[^\W_]+")
# One-letter tokens in a row, whatever separates them: where a word may be spelled out.
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W_](?:[\W_]+[^\W_](?![^\W_]))+")


def _skeleton(folded: str) -> str:
    return _RUNS.sub(r"\1", folded.translate(_SKELETON))


@dataclass(frozen=True, slots=True)
class BlockedWords:
    """The compiled list. A request's text is cut into tokens once; only the entries whose first word has
    the key of one of its tokens (or of letters it spells out) are searched for, so the cost hardly grows
    with the length of the list."""

    entries: tuple[tuple[str, str], ...] = ()  # (word as the guild wrote it, its whole-word pattern)
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    key_lengths: tuple[int, ...] = ()
    keyless: tuple[int, ...] = ()  # entries with no letter or digit at all: always searched for
    # Patterns compiled when first needed: compiling a long list up front would hold the loop for a second.
    _compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, repr=False, compare=False)

    def found_in(self, texts: Iterable[str]) -> str | None:
        """The blocked word (as the guild wrote it) one of the texts contains, if any."""
        if not self.entries:
            return None
        for text in texts:
            folded = fold(text)
            for index in sorted(self._candidates(_skeleton(folded))):
                if self._pattern(index).search(folded):
                    return self.entries[index][0]
        return None

    def _pattern(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled.get(index)
        if compiled is None:
            compiled = self._compiled[index] = re.compile(self.entries[index][1])
        return compiled

    def _candidates(self, skeleton: str) -> set[int]:
        found = set(self.keyless)
        for token in set(_SKELETON_TOKEN.findall(skeleton)):
            found.update(self.by_key.get(token, ()))
        for spelled in _SPELLED_OUT.finditer(skeleton):
            letters = _RUNS.sub(r"\1", "".join(_SKELETON_TOKEN.findall(spelled.group())))
            for start in range(len(letters)):
                for length in self.key_lengths:
                    found.update(self.by_key.get(letters[start : start + length], ()))
        return found


@lru_cache(maxsize=512)
def compile_blocked_words(words: tuple[str, ...]) -> BlockedWords:
    """Compiled once per distinct list: policies are re-read often, the list changes rarely."""
    entries = [(word, pattern) for word in words if (pattern := entry_pattern(word)) is not None]
    by_key: dict[str, list[int]] = {}
    keyless: list[int] = []
    for index, (word, _) in enumerate(entries):
        tokens = _SKELETON_TOKEN.findall(_skeleton(fold(word)))
        if tokens:
            by_key.setdefault(tokens[0], []).append(index)
        else:
            keyless.append(index)
    return BlockedWords(
        entries=tuple((word, f"{_STARTS}(?:{pattern}){_ENDS}") for word, pattern in entries),
        by_key={key: tuple(indices) for key, indices in by_key.items()},
        key_lengths=tuple(sorted({len(key) for key in by_key})),
        keyless=tuple(keyless),
    )
