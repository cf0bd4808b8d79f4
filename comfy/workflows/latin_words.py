"""Which language lyrics in Latin letters are in, where that is plain (comfy.workflows.lyrics_language).

First a language's own letters: words with ł, ğ, ř, ő, ș or a Vietnamese tone mark are written in no other
language ACE-Step offers. Then the little words a language uses all the time and the others never (the
word lists below leave out every word two of them share: "de", "la", "que", "me", "in", "was", "die",
"come", ...). Either way one language must lead clearly, or the answer is None.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

# Letters only one of ACE-Step's Latin-script languages writes (Vietnamese: its horned vowels and the
# tone-marked letters of Unicode's Latin Extended Additional block, U+1EA0 to U+1EF9).
_VIETNAMESE = "ơưđ" + "".join(chr(point) for point in range(0x1EA0, 0x1EFA))
OWN_LETTERS: Mapping[str, str] = {
    "vi": _VIETNAMESE,
    "pl": "łąęśźż",
    "tr": "ğış",
    "cs": "řěů",
    "hu": "őű",
    "ro": "șțţ",
}
# Each language's commonest words that none of the others here uses.
OWN_WORDS: Mapping[str, frozenset[str]] = {
    code: frozenset(words.split())
    for code, words in {
        "en": "the and you your you're i'm i'll i've it's don't can't won't with this that what when where "
        "are be been of it for but she he they will know never love like there",
        "de": "und ich nicht der ist mit mein meine dich mich dir mir wir auf sie ein eine einen nur noch "
        "wenn auch kein immer bin sind zu uns doch schon hab habe weil dass über für herz liebe heute "
        "alles wieder niemals",
        "es": "el los las y yo pero porque muy eres estoy soy cuando corazón quiero mí tú qué noche "
        "siempre hay aquí ahora también él ella nosotros sé tengo puedo mis tus sus esto eso "
        "algo nadie vez hasta",
        "fr": "j' qu' n' c'est les et pas est mon moi toi nous vous dans avec une suis tout pour "
        "sur elle cette au aux ton toujours cœur coeur amour nuit jamais rien être quand "
        "comme sais veux oui",
        "it": "che sono io ti per della nel anche questo mio mia ho cuore amore notte niente "
        "perché tutto ancora voglio gli lei ci degli così già più è nella alla dei delle",
        "pt": "não eu você os meu minha com uma são muito coração também até sou nós seu sua isso esse "
        "essa ela ele nossa pra quero agora noite saudade tudo vou vai tem estou em é ao às",
        "nl": "het een ik niet jij mijn van wij zijn maar naar ook dat niets heb hebben wat voor bij mij "
        "jou zo hart liefde altijd nooit geen deze weet toch nog hoe waar jouw zij",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# How many words (and what share of them) the leading language needs, and how far ahead of the next.
_LEAST_WORDS, _LEAST_SHARE, _LEAD = 3, 0.08, 2.0


def latin_language(text: str) -> str | None:
    words = [word.replace("’", "'") for word in _WORD.findall(text.lower())]
    if not words:
        return None
    lettered = Counter(
        code for word in words for code, own in OWN_LETTERS.items() if any(char in own for char in word)
    )
    # An elided word counts by its start: "j'ai", "qu'il" and "n'est" are French's "j'", "qu'", "n'".
    elided = [word if "'" not in word else word[: word.index("'") + 1] for word in words]
    said = Counter(
        code
        for word, start in zip(words, elided, strict=True)
        for code, own in OWN_WORDS.items()
        if word in own or start in own
    )
    return _leader(lettered, len(words)) or _leader(said, len(words))


def _leader(hits: Counter[str], words: int) -> str | None:
    ranked = hits.most_common(2)
    if not ranked:
        return None
    code, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if count >= _LEAST_WORDS and count >= _LEAST_SHARE * words and count >= _LEAD * runner_up:
        return code
    return None
