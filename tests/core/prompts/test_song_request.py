import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comfy.workflows.music import ace_step_lyrics
from core.kinds.song import SongParams
from core.prompts import PromptError, parse_song_request
from core.prompts.lyrics import clean_lyrics


def test_options_become_song_params_with_readable_units() -> None:
    params = parse_song_request(
        lyrics_text="[Verse 1] neon on the road [CHORUS] drive",
        title="Night Drive",
        genre="synthwave",
        mood="wistful",
        tempo="100 BPM",
        key="bb",
        time_signature="6/8",
        duration="1:30",
        seed="42",
        count=2,
    )

    assert params.lyrics == "[Verse 1]\nneon on the road\n\n[CHORUS]\ndrive"
    assert (params.tempo, params.key, params.time_signature, params.duration) == (
        100,
        "Bb major",
        "6/8",
        90.0,
    )
    assert (params.seed, params.count, params.title) == (42, 2, "Night Drive")


def test_json_lyrics_document_and_explicit_options_winning() -> None:
    document = {
        "title": "Rain",
        "genre": "lo-fi",
        "mood": "calm",
        "tempo": 70,
        "key": "D minor",
        "time_signature": "4/4",
        "lyrics": "[Intro]\n\n[Verse]\ndrops on glass\n[Outro]",
        "duration": 60,
    }

    params = parse_song_request(lyrics_file=("rain.json", json.dumps(document).encode()), tempo=80)

    assert params.tempo == 80
    assert (params.title, params.genre, params.key, params.duration) == ("Rain", "lo-fi", "D minor", 60.0)
    assert params.lyrics == "[Intro]\n\n[Verse]\ndrops on glass\n\n[Outro]"


def test_a_song_documents_language_is_taken_by_name_and_an_option_wins_over_it() -> None:
    document = {"lyrics": "[verse]\nla la", "language": "Japanese"}
    content = json.dumps(document).encode()

    assert parse_song_request(lyrics_file=("song.json", content)).language == "ja"
    assert parse_song_request(lyrics_file=("song.json", content), language="ko").language == "ko"
    assert parse_song_request(lyrics_text="[verse]\nla la").language is None  # read from the lyrics later


def test_a_language_the_song_model_does_not_sing_is_refused_with_the_ones_it_does() -> None:
    with pytest.raises(PromptError) as option:
        parse_song_request(language="Klingon")
    with pytest.raises(PromptError) as document:
        parse_song_request(lyrics_file=("song.json", b'{"language": "Klingon"}'))

    [problem] = option.value.problems
    assert problem.field == "language"
    assert problem.message.startswith(
        "'Klingon' is not a language songs are sung in here; use one of en, ja, zh"
    )
    assert document.value.problems[0].message == problem.message


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("90", 90.0),
        ("90s", 90.0),
        ("90 sec", 90.0),
        ("90 seconds", 90.0),
        ("1:30", 90.0),
        ("2 min", 120.0),
        ("2m30s", 150.0),
        ("2 min 30", 150.0),
        ("1.5 minutes", 90.0),
    ],
)
def test_a_length_is_read_as_people_say_it(typed: str, seconds: float) -> None:
    assert parse_song_request(duration=typed).duration == seconds


@pytest.mark.parametrize("typed", ["", "min", "s", "2 ms", "90 bpm", "5 min"])
def test_what_is_no_length_or_too_long_is_refused(typed: str) -> None:
    with pytest.raises(PromptError) as caught:
        parse_song_request(duration=typed)

    assert caught.value.problems[0].message == f"'{typed}' is not a duration; use 10 to 240 seconds (or m:ss)"


def test_plain_text_lyrics_file_in_utf16_with_windows_newlines() -> None:
    content = "[Chorus]\r\nla la\r\n".encode("utf-16")

    assert parse_song_request(lyrics_file=("song.TXT", content)).lyrics == "[Chorus]\nla la"


def test_every_problem_is_reported_with_its_field() -> None:
    with pytest.raises(PromptError) as caught:
        parse_song_request(
            lyrics_text="[Verse]\nok\n[Drop]\n[Breakdown 2]",
            tempo=300,
            key="H major",
            time_signature="5/4",
            duration=5,
            count=0,
            title="t" * 101,
        )

    problems = {problem.field: problem.message for problem in caught.value.problems}
    assert set(problems) == {"title", "tempo", "key", "time_signature", "duration", "count", "lyrics"}
    assert problems["lyrics"].startswith("unknown sections [Drop], [Breakdown 2]; use [intro] [verse]")
    assert problems["title"] == "is too long; at most 100 characters"
    assert problems["duration"] == "'5' is not a duration; use 10 to 240 seconds (or m:ss)"


def test_lyrics_pasted_from_suno_or_a_lyrics_site_are_taken_as_they_are() -> None:
    pasted = (
        "[Verse 1: Alice]\nneon rain\n[Chorus x2]\nwe run\n[Guitar Solo]\n[Post-Chorus]\noh\n"
        "[Final Chorus]\nwe run\n[Fade Out]"
    )

    params = parse_song_request(lyrics_text=pasted)

    assert ace_step_lyrics(params.lyrics).split("\n") == [
        "[verse]", "neon rain", "", "[chorus]", "we run", "", "[inst]", "", "[chorus]", "oh", "",
        "[chorus]", "we run", "", "[outro]",
    ]  # fmt: skip


def test_4000_characters_typed_into_the_form_fit_though_sections_get_a_blank_line_before_them() -> None:
    song = "[verse]\n" + "neon rain on the window\n" * 20 + "[chorus]\n" + "we run we run\n" * 10
    typed = (song * 20)[:4000]  # all the form's lyrics field takes

    params = parse_song_request(lyrics_text=typed)

    assert len(params.lyrics) <= 4000
    assert params.lyrics.split() == typed.split()
    assert "\n\n[chorus]" in parse_song_request(lyrics_text=song).lyrics, (
        "a shorter song keeps the blank lines"
    )


def test_lyrics_over_4000_characters_are_refused() -> None:
    with pytest.raises(PromptError) as caught:
        parse_song_request(lyrics_text="[verse]\n" + "la " * 1500)

    assert caught.value.problems[0].message == "is 4507 characters long; at most 4000"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            ("song.pdf", b"%PDF"),
            "lyrics file song.pdf: must be a .txt file of lyrics or a .json song document",
        ),
        (("song.json", b"{"), "lyrics file song.json: is not valid JSON"),
        (("song.json", b'{"tempo": "fast"}'), "lyrics file song.json tempo: 'fast' is not a tempo"),
        (
            ("song.json", b'{"time_signature": "7/8"}'),
            "lyrics file song.json time_signature: '7/8' is not a time",
        ),
        (
            ("song.json", b'{"lyrics": "[solo] [boom]"}'),
            "lyrics file song.json lyrics: unknown section [boom]",
        ),
        (("song.txt", b"\xff\xfe\x00\xd8"), "lyrics file song.txt: is not UTF-8 text"),
    ],
)
def test_bad_lyrics_files_are_reported(file: tuple[str, bytes], message: str) -> None:
    with pytest.raises(PromptError) as caught:
        parse_song_request(lyrics_file=file)

    assert str(caught.value.problems[0]).startswith(message)


def test_control_characters_are_stripped_from_lyrics_and_labels() -> None:
    params = parse_song_request(lyrics_text="[verse]\nla\x07 la\x1b\n\tend", genre="jazz\x00 funk")

    assert params.lyrics == "[verse]\nla la\n end"
    assert params.genre == "jazz funk"


def test_no_lyrics_is_an_instrumental_request() -> None:
    assert parse_song_request(genre="ambient").lyrics == ""


@given(
    lyrics=st.one_of(st.none(), st.text(max_size=200)),
    tempo=st.one_of(st.none(), st.integers(-10, 400), st.text(max_size=8)),
    key=st.one_of(st.none(), st.text(max_size=8)),
    time_signature=st.one_of(st.none(), st.text(max_size=5)),
    duration=st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=6)),
    file=st.one_of(
        st.none(), st.tuples(st.sampled_from(["a.txt", "a.json", "a", "a.exe"]), st.binary(max_size=80))
    ),
)
def test_any_input_gives_song_params_or_a_prompt_error(
    lyrics: str | None,
    tempo: int | str | None,
    key: str | None,
    time_signature: str | None,
    duration: float | str | None,
    file: tuple[str, bytes] | None,
) -> None:
    try:
        outcome: object = parse_song_request(
            lyrics_text=lyrics,
            lyrics_file=file,
            tempo=tempo,
            key=key,
            time_signature=time_signature,
            duration=duration,
        )
    except PromptError as error:
        outcome = error

    assert isinstance(outcome, SongParams) or (isinstance(outcome, PromptError) and outcome.problems)


@given(st.text(max_size=300))
def test_cleaned_lyrics_never_hold_control_characters(text: str) -> None:
    cleaned, _ = clean_lyrics(text)

    assert not any(ord(char) < 32 and char != "\n" for char in cleaned)


def test_key_in_a_json_document_is_checked_with_the_documents_name() -> None:
    with pytest.raises(PromptError) as caught:
        parse_song_request(lyrics_file=("s.json", b'{"key": "X minor", "title": "  "}'))

    assert [str(problem) for problem in caught.value.problems] == [
        "lyrics file s.json key: 'X minor' is not a key like 'C major', 'F# minor' or 'Bb'"
    ]


def test_blank_labels_are_unset() -> None:
    assert parse_song_request(title="  ", genre="\x00").title is None
