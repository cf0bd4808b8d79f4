import pytest

from comfy.workflows.music import (
    ace_step_lyrics,
    ace_step_tags,
    normalise_key,
    section_marker,
    unknown_sections,
)
from tests.fakes.comfyui.node_specs import ACE_KEYSCALES


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("C major", "C major"),
        ("c", "C major"),
        ("F# minor", "F# minor"),
        ("f#m", "F# minor"),
        ("Bb", "Bb major"),
        ("B♭ MINOR", "Bb minor"),
        ("Am", "A minor"),
        ("E min", "E minor"),
        ("Bbm", "Bb minor"),
        ("F sharp minor", "F# minor"),
        ("B flat", "Bb major"),
        ("C#-minor", "C# minor"),
        ("Cb major", "B major"),
        ("E# minor", "F minor"),
    ],
)
def test_keys_are_normalised(text: str, key: str) -> None:
    assert normalise_key(text) == key


@pytest.mark.parametrize("note", "ABCDEFG")
@pytest.mark.parametrize("accidental", ["", "#", "b"])
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_every_key_is_one_ace_step_offers(note: str, accidental: str, mode: str) -> None:
    assert normalise_key(f"{note}{accidental} {mode}") in ACE_KEYSCALES


@pytest.mark.parametrize("text", ["H major", "C dorian", "", "C##", "major"])
def test_non_keys_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a key like"):
        normalise_key(text)


@pytest.mark.parametrize(
    ("label", "marker"),
    [
        ("Verse 2", "verse"),
        ("CHORUS", "chorus"),
        ("Pre-Chorus", "pre-chorus"),
        ("pre chorus 1", "pre-chorus"),
        ("Instrumental", "inst"),
        ("outro", "outro"),
        ("drop", None),
    ],
)
def test_section_labels(label: str, marker: str | None) -> None:
    assert section_marker(label) == marker


@pytest.mark.parametrize(
    ("label", "marker"),
    [
        ("Verse 1: Alice", "verse"),
        ("Intro: Bob & Eve", "intro"),
        ("Chorus x2", "chorus"),
        ("Chorus (x2)", "chorus"),
        ("Pre-Chorus (repeat)", "pre-chorus"),
        ("Final Chorus", "chorus"),
        ("Post-Chorus", "chorus"),
        ("Guitar Solo", "inst"),
        ("piano-solo", "inst"),
        ("Break", "inst"),
        ("Fade Out", "outro"),
        ("End", "outro"),
        ("Strophe 2", "verse"),
        ("x2", None),
        ("rap: Alice", None),
    ],
)
def test_section_labels_as_lyrics_sites_and_suno_write_them(label: str, marker: str | None) -> None:
    assert section_marker(label) == marker


def test_unknown_sections_are_named_once_in_order() -> None:
    lyrics = "[Verse]\na\n[Drop]\nb\n[Breakdown 2]\n[drop]\n[Drop]\nwords [not a header] here"

    assert unknown_sections(lyrics) == ["Drop", "Breakdown 2", "drop"]


def test_ace_step_lyrics_rewrite_headers_only() -> None:
    lyrics = "\n[Intro]\n\n[Verse 1]\nI said [hey]\n[Pre-Chorus]\noh\n[Hook]\nla  \n"

    assert ace_step_lyrics(lyrics) == "[intro]\n\n[verse]\nI said [hey]\n[pre-chorus]\noh\n[chorus]\nla"
    assert ace_step_lyrics("  \n") == "[inst]"


def test_ace_step_tags_drop_empty_and_repeated_parts() -> None:
    assert ace_step_tags(["Lo-fi, jazz", None, "", "jazz", "  slow   groove "]) == "Lo-fi, jazz, slow groove"
