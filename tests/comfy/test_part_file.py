"""The data dir's files are written straight through the file descriptor: every byte lands, even when the
OS takes a write in parts, and a write the disk refuses raises where Python's own file would."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from comfy import part_file
from comfy.part_file import open_for_writing


def test_every_byte_lands_when_the_os_takes_each_write_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []
    real_write = os.write

    def at_most_1000_bytes(fd: int, data: memoryview, /) -> int:
        taken.append(real_write(fd, data[:1000]))
        return taken[-1]

    monkeypatch.setattr(part_file.os, "write", at_most_1000_bytes)
    data = bytes(range(256)) * 40
    handle = open_for_writing(tmp_path / "a.part")
    assert handle.write(data) == len(data)
    handle.close()
    assert (tmp_path / "a.part").read_bytes() == data
    assert taken == [1000] * 10 + [240]


def test_a_file_opened_again_is_emptied_and_closing_twice_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "a.part"
    path.write_bytes(b"an older, longer attempt")
    handle = open_for_writing(path)
    handle.write(b"new")
    handle.close()
    handle.close()  # a discard after a failed close closes again
    assert path.read_bytes() == b"new"


def test_a_write_the_disk_refuses_raises_its_os_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(fd: int, data: memoryview, /) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    handle = open_for_writing(tmp_path / "a.part")
    monkeypatch.setattr(part_file.os, "write", no_room)
    with pytest.raises(OSError, match="No space left") as caught:
        handle.write(b"x" * 10)
    assert caught.value.errno == errno.ENOSPC
    handle.close()


def test_a_folder_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.part").mkdir()
    with pytest.raises(IsADirectoryError):
        open_for_writing(tmp_path / "a.part")
