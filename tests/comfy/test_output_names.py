"""Output names from the server are untrusted: anything that could leave the artifacts dir is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comfy import errors
from comfy.artifacts import check_output_name
from comfy.events import OutputFile


def output(filename: str, subfolder: str = "", type_: str = "output") -> OutputFile:
    return OutputFile("9", "images", filename, subfolder, type_)


@pytest.mark.parametrize(
    ("filename", "subfolder", "type_"),
    [
        ("../secret.txt", "", "output"),
        ("/etc/passwd", "", "output"),
        ("bot/imagine_00001_.png", "", "output"),
        ("a\\b.png", "", "output"),
        ("..", "", "output"),
        ("", "", "output"),
        ("x..png", "", "output"),
        ("C:evil.png", "", "output"),
        ("ok.png", "../../etc", "output"),
        ("ok.png", "/etc", "output"),
        ("ok.png", "bot/../..", "output"),
        ("ok.png", "", "secrets"),
    ],
)
def test_unsafe_output_names_are_refused(filename: str, subfolder: str, type_: str) -> None:
    with pytest.raises(errors.UnsafeOutputName) as caught:
        check_output_name(output(filename, subfolder, type_))
    assert caught.value.user_message


@pytest.mark.parametrize(
    ("filename", "subfolder", "type_"),
    [
        ("imagine_00001_.png", "bot", "output"),
        ("ComfyUI_temp_fdcmt_00001_.png", "", "temp"),
        ("bot_song_00002_.mp3", "audio", "output"),
        ("x.png", "queue/nested", "output"),
    ],
)
def test_names_the_server_really_returns_are_accepted(filename: str, subfolder: str, type_: str) -> None:
    check_output_name(output(filename, subfolder, type_))


@given(st.text(min_size=1, max_size=40))
def test_any_accepted_filename_is_a_single_path_component(filename: str) -> None:
    try:
        check_output_name(output(filename))
    except errors.UnsafeOutputName:
        return
    assert "/" not in filename
    assert "\\" not in filename
    assert ".." not in filename
