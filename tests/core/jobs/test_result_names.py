"""The names a job's files are downloaded by: a song's title, a prompt's first words with the job's number."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from core.jobs.derived import MadeFrom, ResultAction
from core.jobs.result_names import MAX_STEM_CHARS, result_file_names, safe_stem
from core.kinds import SONG, UPSCALE, VIDEO
from tests.bot.history_factories import a_job, an_artifact
from tests.discord_emulator.filenames import cleansed

# What Discord keeps of an uploaded name unchanged (discord/discord-api-docs#7754: werkzeug's
# secure_filename): ASCII letters, digits, "_", "-", "."; not starting or ending with "." or "_".
DISCORD_KEEPS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _song_files(artifacts: int, **params: object) -> list[str]:
    files = [
        an_artifact(i, path=f"audio/song_0000{i}_.mp3", mime_type="audio/mpeg") for i in (1, 2)[:artifacts]
    ]
    names = result_file_names(a_job(1234, kind=SONG, params=params), files)
    return [names[f.id] for f in files]


def test_a_song_is_named_by_its_title() -> None:
    assert _song_files(1, title="Ocean Eyes", lyrics="[verse]\nla la") == ["Ocean_Eyes.mp3"]


def test_two_takes_of_a_song_are_numbered() -> None:
    assert _song_files(2, title="Ocean Eyes") == ["Ocean_Eyes_1.mp3", "Ocean_Eyes_2.mp3"]


def test_an_untitled_song_is_named_by_its_genre_and_mood_or_else_its_first_lyrics() -> None:
    assert _song_files(1, genre="synth pop", mood="wistful") == ["synth_pop_wistful.mp3"]
    lyrics = "[verse]\nSalt on the window, light on the sea\nand more words after these"
    assert _song_files(1, lyrics=lyrics) == ["Salt_on_the_window_light_on.mp3"]


def test_an_instrumental_with_nothing_to_name_it_keeps_its_name_on_disk() -> None:
    assert _song_files(2) == ["song_00001_.mp3", "song_00002_.mp3"]


def test_pictures_are_named_by_their_prompts_first_words_the_job_and_their_place() -> None:
    files = [an_artifact(i, path=f"images/ComfyUI_0001{i}_.png") for i in (1, 2)]
    job = a_job(
        1234, params={"prompt": "lighthouse at dusk, oil painting, dramatic sky over the rocks", "count": 2}
    )
    names = result_file_names(job, files)
    assert [names[f.id] for f in files] == [
        "lighthouse_at_dusk_oil_painting_dramatic_sky_over_1234_1.png",
        "lighthouse_at_dusk_oil_painting_dramatic_sky_over_1234_2.png",
    ]


def test_a_single_video_has_the_job_number_and_keeps_its_extension() -> None:
    video = an_artifact(5, path="video/clip_00003_.MP4", mime_type="video/mp4")
    names = result_file_names(a_job(77, kind=VIDEO, params={"prompt": "a cat surfing"}), [video])
    assert names == {5: "a_cat_surfing_77.MP4"}


def _upscaled(raw_input: str, *, made_from: MadeFrom | None, factor: int = 2) -> str:
    seed_document = None if made_from is None else {"made_from": made_from.document()}
    job = a_job(88, kind=UPSCALE, params={"factor": factor}, raw_input=raw_input, seed_document=seed_document)
    upscaled = an_artifact(3, path="images/ComfyUI_00042_.png")
    return result_file_names(job, [upscaled])[3]


def test_an_upscale_of_a_result_is_named_by_its_source_prompts_words_and_its_factor() -> None:
    # An upscale made from a result carries that result's request (flags, LoRA tags) as its raw input.
    source = MadeFrom(1234, ResultAction.UPSCALE, index=1, out_of=4)
    raw_input = "lighthouse at dusk <lora:ink:0.8>, oil painting --ar 16:9 --no people"
    assert _upscaled(raw_input, made_from=source) == "lighthouse_at_dusk_oil_painting_upscaled_x2_88.png"
    assert _upscaled(raw_input, made_from=source, factor=4).endswith("_upscaled_x4_88.png")


def test_an_upscale_of_an_attached_picture_is_named_by_its_factor() -> None:
    assert _upscaled("upscale x4", made_from=None, factor=4) == "upscaled_x4_88.png"


def test_an_upscale_of_a_result_with_no_words_to_spell_still_names_its_factor() -> None:
    source = MadeFrom(1234, ResultAction.UPSCALE)
    assert _upscaled("日本の灯台 --ar 1:1", made_from=source) == "upscaled_x2_88.png"


def test_accents_are_transliterated_and_what_cannot_be_spelled_is_left_out() -> None:
    assert safe_stem("Straße nach Köln — Æon (remix) 日本") == "Strasse_nach_Koln_AEon_remix"
    assert safe_stem("日本語のうた") == ""
    assert safe_stem("../../etc/passwd") == "etc_passwd"
    assert safe_stem(".hidden\x00name\n") == "hidden_name"
    assert safe_stem("lo-fi -- beats") == "lo-fi_beats"


def test_names_windows_keeps_for_devices_are_not_used_alone() -> None:
    assert safe_stem("con") == "con_"
    assert safe_stem("LPT1") == "LPT1_"


def test_long_text_is_cut_at_a_word_and_one_long_word_is_cut() -> None:
    assert safe_stem("word " * 40) == "_".join(["word"] * 16)
    assert safe_stem("x" * 200) == "x" * MAX_STEM_CHARS


@given(st.text())
def test_any_text_makes_a_stem_discord_keeps_as_it_is(text: str) -> None:
    stem = safe_stem(text)
    assert len(stem) <= MAX_STEM_CHARS
    if stem:
        assert DISCORD_KEEPS.fullmatch(f"{stem}.png")
        assert cleansed(f"{stem}.png") == f"{stem}.png"
        assert cleansed(f"SPOILER_{stem}.png") == f"SPOILER_{stem}.png"
        assert ".." not in stem
        assert not {"/", "\\", ":"} & set(stem)
