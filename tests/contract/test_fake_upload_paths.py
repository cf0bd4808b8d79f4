"""The fake's upload path rules never write outside the folder asked for, whatever the names (Hypothesis).

The real server joins `subfolder` and the file name to its folder and refuses (400) what leaves it; a fake
that got this wrong would let tests write anywhere on the machine running them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.fakes.comfyui.uploads import _Crash, _store, _write_plain

PARTS = st.sampled_from(["..", ".", "/", "\\", "a", "b b", "x.png", "", "~", "%2F", "..%2F", "\x00"])
NAMES = st.lists(PARTS, max_size=6).map("".join) | st.text(max_size=20)


def files_under(root: Path) -> set[Path]:
    return {Path(folder, name) for folder, _, names in os.walk(root) for name in names}


@settings(max_examples=300, deadline=None)
@given(subfolder=NAMES, filename=NAMES.filter(bool), overwrite=st.booleans())
@example(subfolder="....", filename="../\\", overwrite=False)  # "...." is a name; "../" climbs out of it
def test_an_upload_is_written_inside_its_folder_or_refused(
    subfolder: str, filename: str, overwrite: bool
) -> None:
    with tempfile.TemporaryDirectory() as root_name:
        root = Path(root_name).resolve()
        base = root / "input"
        base.mkdir()
        try:
            stored = _store(str(base), subfolder, filename, b"data", overwrite, _write_plain)
        except _Crash:
            stored = None  # the real handler's 500 (a missing folder, a NUL byte): nothing is written
        written = files_under(root)

        if stored is None:
            assert written == set()
        else:
            _, path, _ = stored
            assert Path(path).resolve().is_relative_to(base)
            assert written == {Path(path)}
