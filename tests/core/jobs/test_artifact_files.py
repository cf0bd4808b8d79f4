"""Artifact files are read only from inside the data directory; what is gone is told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.jobs.artifact_files import ArtifactFiles
from tests.bot.history_factories import an_artifact


async def test_stored_files_are_read_in_order_and_missing_ones_told_apart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "artifacts").mkdir(parents=True)
    (data_dir / "artifacts" / "a.png").write_bytes(b"first")
    (data_dir / "artifacts" / "b.png").write_bytes(b"second")
    first, second = an_artifact(1, path="artifacts/a.png"), an_artifact(2, path="artifacts/b.png")
    gone = an_artifact(3, path="artifacts/cleaned-up.png")
    files = ArtifactFiles(data_dir)

    assert await files.split_stored((first, gone, second)) == ((first, second), (gone,))
    assert await files.read((second, first)) == [("b.png", b"second"), ("a.png", b"first")]
    with pytest.raises(FileNotFoundError):
        await files.read((first, gone))


async def test_a_recorded_path_leading_out_of_the_data_directory_is_never_read(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (tmp_path / "secret.txt").write_bytes(b"not an artifact")
    escaping = an_artifact(1, path="../secret.txt")
    absolute = an_artifact(2, path=str(tmp_path / "secret.txt"))
    files = ArtifactFiles(data_dir)

    assert await files.split_stored((escaping, absolute)) == ((), (escaping, absolute))
    with pytest.raises(FileNotFoundError):
        await files.read((escaping,))
