"""The language lyrics are sung in, read from their letters where that settles it, and never guessed."""

from __future__ import annotations

import pytest

from comfy.workflows.lyrics_language import ACE_LANGUAGES, detect_language, language_code
from tests.fakes.comfyui.node_specs import ALL_SPECS


@pytest.mark.parametrize(
    ("lyrics", "language"),
    [
        # Kana among the kanji, and kana alone: Japanese.
        ("[verse]\n君の笑顔が見たくて\n今日も走り出す\n夢の中で会いましょう", "ja"),
        ("[verse]\nふわふわ　おみみが\nゆれるよ　かぜのなか\nきらきら　あおいめ", "ja"),
        # Han characters alone: Chinese (a borrowed の among them does not make it Japanese).
        ("[verse]\n夜里的风吹过城市\n我在街头想着你\n你的笑容像星光\n照亮我回家的路\n小の店", "zh"),
        # Hangul, even with English words among it, as K-pop has.
        ("[verse]\n나는 너를 사랑해\nbaby baby 오늘 밤\n너와 함께라면 괜찮아", "ko"),
        ("Я помню чудное мгновенье\nПередо мной явилась ты\nКак мимолётное виденье", "ru"),
        ("Ой у лузі червона калина похилилася\nЧогось наша славна Україна зажурилася", "uk"),
        ("Σ' αγαπώ και σε θέλω\nστη ζωή μου για πάντα", "el"),
        ("في الليل أفكر فيك\nقلبي يناديك يا حبيبي\nالمدينة نائمة والقمر وحيد", "ar"),
        ("شب‌ها به تو فکر می‌کنم\nدلم برای تو تنگ است\nگل‌های باغ پژمرده‌اند", "fa"),
    ],
)
def test_a_script_only_one_language_writes_names_it(lyrics: str, language: str) -> None:
    assert detect_language(lyrics) == language


@pytest.mark.parametrize(
    ("lyrics", "language"),
    [
        (
            "[verse]\nI'm walking down the road tonight\nAnd you are on my mind\n"
            "I know that you will never leave",
            "en",
        ),
        ("[verse]\nIch bin nicht müde und ich will nur tanzen\nDu bist mein Herz, wir sind die Nacht", "de"),
        ("[verse]\nYo no sé por qué te quiero\nEres mi corazón y mi cielo\nCuando la noche llega", "es"),
        (
            "Je marche seul dans la nuit\nEt tu n'es pas là\nMon cœur attend toujours\n"
            "C'est pour toi que je chante",
            "fr",
        ),
        (
            "Cammino solo nella notte\nE tu non sei qui\nIl mio cuore aspetta ancora\n"
            "Canto per te, amore mio",
            "it",
        ),
        (
            "Eu ando sozinho pela cidade\nvocê não está aqui\nmeu coração ainda espera\nvou cantar pra você",
            "pt",
        ),
        ("Ik hou van jou\nmaar jij weet het niet\nhet is altijd zo geweest", "nl"),
        # A language's own letters: ł, ř, ğ/ı, ő/ű, ș/ț, Vietnamese tones.
        ("Płynie Wisła, płynie\npo polskiej krainie\nzobaczyła Kraków, pewnie go nie minie", "pl"),
        ("Kde jsou ty dny, kdy jsme běželi\npřes louky až k řece\nteď čekám sám\nna světla měst", "cs"),
        ("Bir ihtimal daha var\nyağmurlu gecede\nsığındım kapına\nkırık kalbimle", "tr"),
        ("Szép vagy, gyönyörű vagy\nőrzöm a szívemben\nmindörökké, ő a fény", "hu"),
        ("Mi-e dor de tine\nȘi nu pot să uit\nțara mea, și munții", "ro"),
        ("Anh đi qua phố vắng\nnhớ em những ngày mưa\ntrái tim anh vẫn đợi\nmột lời hứa năm xưa", "vi"),
        ("El Paso nights and a radio\nplaying on the old highway\nshe said hey there, don't you go", "en"),
        # English with a Spanish line stays English.
        ("I'm in love with you mi amor\nAnd you know that I will always be there\nbaby don't you cry", "en"),
    ],
)
def test_latin_lyrics_are_named_by_their_own_letters_or_words(lyrics: str, language: str) -> None:
    assert detect_language(lyrics) == language


@pytest.mark.parametrize(
    "lyrics",
    [
        "",
        "[inst]",
        "[intro]\n\n[outro]",
        "la la la\noh oh oh",  # sounds, not words of any language
        "Hubava si, moya goro",  # too few words to tell
        "Хубава си, моя горо\nмиришеш на младост",  # Bulgarian: neither Russian's ы, э, ё nor Ukrainian's
        "Ја сам дошао\nљубав моја",  # Serbian letters: a language the model is not given
        "یہ دل ہے میرا\nتمہارے بغیر",  # Urdu: an older encoder has no Urdu, not Persian or Arabic either
        "שיר לשלום",  # Hebrew: not every encoder offers it
        "Yo te quiero, I love you, je t'aime, ich liebe dich",  # no language leads
        # Latin-script languages read by no word list: never taken for one that is.
        "Aku cinta kamu di dalam hatiku\ntak ada yang lain di sini\nhanya kamu yang aku mau",
        "Jag går ensam genom natten\noch du är inte här\nmitt hjärta väntar alltid",
        "Minä rakastan sinua\nja sinä olet täällä\nse on niin kaunis ilta",
        "Je to tak, je to dobre\nnic se nestane\nja jsem tady a ty taky",
    ],
)
def test_what_the_letters_do_not_settle_is_left_to_the_workflow(lyrics: str) -> None:
    assert detect_language(lyrics) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [("ja", "ja"), ("Japanese", "ja"), ("日本語", "ja"), (" JAPANESE ", "ja"), ("Japanisch", "ja"),
     ("pt-BR", "pt"), ("zh_CN", "zh"), ("Deutsch", "de"), ("tiếng việt", "vi"), ("Persian", "fa")],
)  # fmt: skip
def test_a_language_is_taken_by_its_code_or_its_name(typed: str, code: str) -> None:
    assert language_code(typed) == code


@pytest.mark.parametrize("typed", ["Klingon", "xx", "", "he", "yue"])
def test_a_language_no_encoder_version_offers_is_none(typed: str) -> None:
    assert language_code(typed) is None


def test_every_language_taken_is_one_the_first_encoder_version_offers() -> None:
    # The fake backend's TextEncodeAceStepAudio1.5 offers what ComfyUI's first version did: a language
    # taken or read from lyrics must never be one an older backend refuses.
    [offered, _] = ALL_SPECS["TextEncodeAceStepAudio1.5"].required["language"]
    assert set(ACE_LANGUAGES) == set(offered)
