"""The language lyrics are sung in, as ACE-Step 1.5's text encoder takes it (its ``language`` input).

Read from the lyrics only where the letters settle it: their script (kana → Japanese, Hangul → Korean, Han
characters alone → Chinese, Greek; Cyrillic and Arabic-script lyrics by the letters only one of their
languages uses), then, for Latin letters, a language's own letters (ł, ğ, ř, ő, ș, Vietnamese tones) or
its commonest little words, when one language clearly leads. Anything else is None: the workflow keeps its
own choice (English in ComfyUI's templates).
"""

from __future__ import annotations

import re
from collections import Counter

from comfy.workflows.latin_words import latin_language

# The languages every version of TextEncodeAceStepAudio1.5 offers (ComfyUI's comfy_extras/nodes_ace.py);
# later versions offer more, which an older backend would refuse. By code, with their English names.
ACE_LANGUAGES: dict[str, str] = {
    "en": "English", "ja": "Japanese", "zh": "Chinese", "es": "Spanish", "de": "German", "fr": "French",
    "pt": "Portuguese", "ru": "Russian", "it": "Italian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish",
    "vi": "Vietnamese", "cs": "Czech", "fa": "Persian", "id": "Indonesian", "ko": "Korean",
    "uk": "Ukrainian", "hu": "Hungarian", "ar": "Arabic", "sv": "Swedish", "ro": "Romanian", "el": "Greek",
}  # fmt: skip

# What people call them besides their code and English name: in the language itself, and in German.
_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("englisch",), "ja": ("日本語", "nihongo", "japanisch"),
    "zh": ("中文", "汉语", "漢語", "普通话", "mandarin", "chinesisch"),
    "es": ("español", "castellano", "spanisch"),
    "de": ("deutsch",), "fr": ("français", "francais", "französisch"), "pt": ("português", "portugiesisch"),
    "ru": ("русский", "russisch"), "it": ("italiano", "italienisch"), "nl": ("nederlands", "niederländisch"),
    "pl": ("polski", "polnisch"), "tr": ("türkçe", "türkisch"), "vi": ("tiếng việt", "vietnamesisch"),
    "cs": ("čeština", "tschechisch"), "fa": ("فارسی", "farsi", "persisch"),
    "id": ("bahasa indonesia", "indonesisch"), "ko": ("한국어", "koreanisch"),
    "uk": ("українська", "ukrainisch"), "hu": ("magyar", "ungarisch"), "ar": ("العربية", "arabisch"),
    "sv": ("svenska", "schwedisch"), "ro": ("română", "romana", "rumänisch"),
    "el": ("ελληνικά", "griechisch"),
}  # fmt: skip
_NAMES = {
    name: code
    for code, english in ACE_LANGUAGES.items()
    for name in (code, english.lower(), *_OTHER_NAMES.get(code, ()))
}
_REGION = re.compile(r"^([a-z]{2})[-_][a-z]{2,4}$")  # "pt-BR", "zh_CN": a locale names its language


def language_code(text: str) -> str | None:
    """``"ja"``, ``"Japanese"``, ``"日本語"``, ``"pt-BR"`` → the code ACE-Step takes; None: not one of its."""
    name = " ".join(text.split()).lower()
    region = _REGION.match(name)
    return _NAMES.get(region[1] if region else name)


_SECTION = re.compile(r"\[[^\]\n]*\]")
# Weights: a CJK character or a Hangul syllable says about as much as three Latin letters.
_DENSE = {"kana": 3, "han": 3, "hangul": 3}
_CJK = ("kana", "han")
_SCRIPTS = (
    (0x3040, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"), (0xFF66, 0xFF9D, "kana"),
    (0x1100, 0x11FF, "hangul"), (0x3130, 0x318F, "hangul"), (0xAC00, 0xD7AF, "hangul"),
    (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xF900, 0xFAFF, "han"),
    (0x0370, 0x03FF, "greek"), (0x1F00, 0x1FFF, "greek"), (0x0400, 0x04FF, "cyrillic"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"), (0x0041, 0x024F, "latin"), (0x1E00, 0x1EFF, "latin"),
)  # fmt: skip
# Japanese is written with kana among its kanji; Chinese lyrics may borrow a stray "の", not one in twenty.
_KANA_SHARE = 0.05
_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_UKRAINIAN = frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя")
_ARABIC_ONLY, _PERSIAN_ONLY, _URDU_ONLY = frozenset("ةيك"), frozenset("پچژگیک"), frozenset("ٹڈڑںےھ")


def detect_language(lyrics: str) -> str | None:
    """The code of the language the lyrics are in, where their letters make it plain; else None."""
    text = _SECTION.sub(" ", lyrics)
    weights: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            script = _script(char)
            weights[script] += _DENSE.get(script, 1)
    if not weights:
        return None
    cjk = weights["kana"] + weights["han"]
    scored = {"cjk": cjk} | {script: weight for script, weight in weights.items() if script not in _CJK}
    dominant = max(scored, key=lambda script: scored[script])
    if dominant == "cjk":
        return "ja" if weights["kana"] >= _KANA_SHARE * cjk else "zh"
    if dominant in ("hangul", "greek"):
        return "ko" if dominant == "hangul" else "el"
    if dominant == "cyrillic":
        return _cyrillic(text)
    if dominant == "arabic":
        return _arabic(text)
    return latin_language(text) if dominant == "latin" else None


def _script(char: str) -> str:
    point = ord(char)
    return next((name for low, high, name in _SCRIPTS if low <= point <= high), "other")


def _cyrillic(text: str) -> str | None:
    """Russian has ы, э and ё and Ukrainian і, ї, є and ґ; letters of neither (Serbian, Belarusian) or
    neither's own (Bulgarian) leave it open."""
    letters = {char for char in text.lower() if _script(char) == "cyrillic"}
    if letters <= _RUSSIAN and letters & set("ыэё"):
        return "ru"
    if letters <= _UKRAINIAN and letters & set("іїєґ"):
        return "uk"
    return None


def _arabic(text: str) -> str | None:
    """Persian's own letters (پ چ ژ گ, its ی and ک) against Arabic's (ة, its ي and ك); Urdu is neither."""
    if any(char in _URDU_ONLY for char in text):
        return None
    persian = sum(char in _PERSIAN_ONLY for char in text)
    arabic = sum(char in _ARABIC_ONLY for char in text)
    if persian > arabic:
        return "fa"
    return "ar" if arabic > persian else None
