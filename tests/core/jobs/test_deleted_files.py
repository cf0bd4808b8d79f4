"""The deleted results' sweep touches nothing outside DATA_DIR, whatever path a row holds."""

from __future__ import annotations

from pathlib import Path

from core.jobs.deleted_files import _remove_files


def test_only_files_inside_the_data_folder_are_removed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    job_folder = data_dir / "artifacts" / "images" / "7_20260101T000000Z"
    job_folder.mkdir(parents=True)
    (job_folder / "a.png").write_bytes(b"png")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")

    removed = _remove_files(data_dir, ("artifacts/images/7_20260101T000000Z/a.png", "../outside.txt", "."))

    assert removed == 1
    assert not job_folder.exists(), "the job's folder, left empty, goes too"
    assert outside.read_text() == "keep me"
    assert data_dir.is_dir()
