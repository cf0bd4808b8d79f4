"""Blocked words see through disguises, and never hit a word that only contains them (issue 18)."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.errors import NotAllowed
from core.jobs.blocked_words import compile_blocked_words
from core.jobs.policy import PolicyView, Requester, check_request

# The disguises people use, written out here independently of the module's own tables.
LOOK_ALIKES = {"a": "аα", "c": "с", "e": "еε", "i": "іι", "o": "оο", "p": "рρ", "s": "ѕ", "x": "хχ", "y": "у"}
CAPITAL_LOOK_ALIKES = {"a": "АΑ", "b": "ВΒ", "e": "ЕΕ", "h": "НΗ", "k": "КΚ", "m": "МΜ", "o": "ОΟ", "t": "ТΤ"}
# Small capitals (x has none) and the letters drawn in circles, squares and flags, which NFKC leaves alone.
SMALL_CAPITALS = dict(zip(string.ascii_lowercase, "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))
BLACK_CIRCLED = [chr(0x1F150 + n) for n in range(26)]  # 🅐
BLACK_SQUARED = [chr(0x1F170 + n) for n in range(26)]  # 🅰
FLAG_HALVES = [chr(0x1F1E6 + n) for n in range(26)]  # 🇦
ENCLOSED = {
    char: forms
    for char, *forms in zip(string.ascii_lowercase, BLACK_CIRCLED, BLACK_SQUARED, FLAG_HALVES, strict=True)
}
SWAPS = {"a": "4@", "e": "3", "i": "1", "l": "1", "o": "0", "s": "5$", "t": "7"}
SEPARATORS = [".", " ", "-", "_", " . ", "*", "..", " - "]  # zero-width ones join letters: see letter()


def found(blocked: list[str], text: str) -> str | None:
    return compile_blocked_words(tuple(blocked)).found_in([text])


@pytest.mark.parametrize(
    ("blocked", "text"),
    [
        ("cunt", "a Scunthorpe sunrise"),
        ("ass", "a class of assistants, classy"),
        ("ass", "compass, bass, brass"),
        ("amag", "I am a good person"),
        ("god", "a good dog"),
        ("gore", "gorre"),  # a letter written twice is a different word, not a stretch
        ("kill", "kiii"),  # 1 may be i or l, but an i is never an l
    ],
)
def test_words_that_only_contain_a_blocked_word_are_welcome(blocked: str, text: str) -> None:
    assert found([blocked], text) is None


@pytest.mark.parametrize(
    "text",
    [
        "GORE",
        "gоre",  # Cyrillic о
        "gοrε",  # Greek ο and ε
        "ＧＯＲＥ",
        "𝐠𝐨𝐫𝐞",
        "ɢᴏʀᴇ",
        "ɢ.ᴏ.ʀ.ᴇ",
        "ᶢᵒʳᵉ",
        "🅖🅞🅡🅔",
        "🅶🅾🆁🅴",
        "🇬🇴🇷🇪",
        "𝔤𝔬𝔯𝔢",
        "g0r3",
        "g\u200bo\u200dr\u2060e",
        "g̸o̸r̸e̸",
        "gôrè",
        "gooooore",
        "g.o.r.e",
        "g o r e",
        "g-o-r-e",
        "g_o_r_e",
        "a g . o . r . e scene",
        "so much gore!",
    ],
)
def test_every_disguise_of_a_blocked_word_is_caught(text: str) -> None:
    assert found(["gore"], text) == "gore"


@pytest.mark.parametrize("forms", [list(SMALL_CAPITALS.values()), BLACK_CIRCLED, BLACK_SQUARED, FLAG_HALVES])
def test_each_letters_small_capital_and_enclosed_forms_read_as_that_letter(forms: list[str]) -> None:
    for letter, form in zip(string.ascii_lowercase, forms, strict=True):
        assert found([letter], f"a {form} here") == letter, form


@pytest.mark.parametrize(
    ("text", "expected"), [("@ss", "ass"), ("a$$!", "ass"), ("k1ll", "kill"), ("ki11", "kill")]
)
def test_symbols_and_digits_stand_for_letters(text: str, expected: str) -> None:
    assert found(["ass", "kill"], text) == expected


def test_a_phrase_is_its_words_in_order_and_a_symbol_word_is_matched_as_written() -> None:
    assert found(["big word"], "a b.i.g  w0rd here") == "big word"
    assert found(["big word"], "a big, bold word") is None
    assert found(["c++"], "code in C++ today") == "c++"
    assert found(["c++"], "c is fine") is None


def test_the_refusal_names_the_word_as_the_guild_wrote_it_not_its_disguise() -> None:
    policy = replace(PolicyView.defaults(7), blocked_words=("gore",))
    with pytest.raises(NotAllowed) as refused:
        check_request(policy, Requester(user_id=1, channel_id=2), ["a kitten in g.0.r.3"])
    message = refused.value.user_message
    assert "(“gore”)" in message
    assert "g.0.r.3" not in message


# --- properties ---------------------------------------------------------------------------------------

blocked_words = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=8)


@st.composite
def disguised(draw: st.DrawFn, word: str) -> str:
    def letter(char: str) -> str:
        forms = [char, char.upper(), chr(ord(char) - ord("a") + 0xFF41), char + "\u0301", char + "\u200b"]
        forms += [*LOOK_ALIKES.get(char, ""), *CAPITAL_LOOK_ALIKES.get(char, ""), *SWAPS.get(char, "")]
        forms += [SMALL_CAPITALS[char], *ENCLOSED[char]]
        return draw(st.sampled_from(forms))

    letters = [letter(char) for char in word]
    if draw(st.booleans()):
        separators = [draw(st.sampled_from(SEPARATORS)) for _ in letters[1:]]
        return letters[0] + "".join(sep + unit for sep, unit in zip(separators, letters[1:], strict=True))
    stretched = draw(st.integers(min_value=-1, max_value=len(letters) - 1))
    if stretched >= 0:
        letters[stretched] *= draw(st.integers(min_value=3, max_value=6))
    return "".join(letters)


def no_triple_runs(word: str) -> bool:
    return re.search(r"(.)\1\1", word.lower()) is None


plain_words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=10).filter(no_triple_runs)


@settings(max_examples=300)
@given(
    data=st.data(),
    word=blocked_words,
    before=st.lists(plain_words, max_size=4),
    after=st.lists(plain_words, max_size=4),
)
def test_any_disguise_of_a_blocked_word_is_caught(
    data: st.DataObject, word: str, before: list[str], after: list[str]
) -> None:
    end = data.draw(st.sampled_from(["", "!", "?", ".", ","]))
    text = " ".join([*before, data.draw(disguised(word)) + end, *after])
    assert found(["zzz unrelated", word], text) == word


@settings(max_examples=300)
@given(data=st.data(), word=blocked_words)
def test_text_without_a_blocked_word_as_a_whole_word_is_never_flagged(data: st.DataObject, word: str) -> None:
    containing = st.tuples(plain_words | st.just(""), plain_words | st.just("")).filter(any)
    around = containing.map(lambda parts: parts[0] + word + parts[1])
    words = data.draw(st.lists(plain_words | around, min_size=1, max_size=12))
    words = [w for w in words if no_triple_runs(w) and w.lower() != word]
    separators = [data.draw(st.sampled_from([" ", ", ", ". ", " - ", "! ", "\n", "_"])) for _ in words]
    # One-letter words in a row spell a word out: they are innocent only if they do not spell this one.
    runs = "".join(w.lower() if len(w) == 1 else "|" for w in words)
    assume(word not in runs)
    text = "".join(w + sep for w, sep in zip(words, separators, strict=True))
    assert found([word], text) is None
