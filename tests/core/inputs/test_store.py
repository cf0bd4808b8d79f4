"""A job's inputs are kept under DATA_DIR and read back only while they match their checksum."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from core.inputs import inspect_input_sync
from core.inputs.store import InputMissing, InputStore
from tests.fakes.comfyui import media


async def test_an_input_is_kept_under_the_jobs_folder_and_read_back(tmp_path: Path) -> None:
    data = media.jpeg(8, 8, 0xFF00FF)
    facts = inspect_input_sync(data, "holiday.png")
    store = InputStore(tmp_path)

    relative = await store.save(12, "image", data, facts)

    assert relative == PurePosixPath("inputs", "12", f"image-{facts.sha256[:16]}.jpg")
    assert await store.load(relative, facts.sha256) == data
    assert [p.name for p in (tmp_path / "inputs" / "12").iterdir()] == [relative.name]  # no partial left


async def test_an_input_changed_on_disk_is_missing_not_uploaded(tmp_path: Path) -> None:
    data = media.png(8, 8, 1)
    facts = inspect_input_sync(data, "x")
    store = InputStore(tmp_path)
    relative = await store.save(5, "image", data, facts)
    (tmp_path / relative).write_bytes(b"edited by hand")

    with pytest.raises(InputMissing, match="checksum"):
        await store.load(relative, facts.sha256)


async def test_an_input_deleted_from_disk_is_missing(tmp_path: Path) -> None:
    data = media.png(8, 8, 2)
    facts = inspect_input_sync(data, "x")
    store = InputStore(tmp_path)
    relative = await store.save(6, "image", data, facts)
    (tmp_path / relative).unlink()

    with pytest.raises(InputMissing, match="cannot be read"):
        await store.load(relative, facts.sha256)
