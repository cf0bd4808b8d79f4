"""A job's inputs are kept under DATA_DIR and read back only while they match their checksum."""

from __future__ import annotations

import os
import time
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
        await InputStore(tmp_path).load(relative, facts.sha256)  # read from disk (another worker, later)


async def test_an_input_deleted_from_disk_is_missing(tmp_path: Path) -> None:
    data = media.png(8, 8, 2)
    facts = inspect_input_sync(data, "x")
    store = InputStore(tmp_path)
    relative = await store.save(6, "image", data, facts)
    (tmp_path / relative).unlink()

    with pytest.raises(InputMissing, match="cannot be read"):
        await InputStore(tmp_path).load(relative, facts.sha256)


async def test_the_first_post_uses_the_bytes_just_kept_and_later_ones_the_checked_file(
    tmp_path: Path,
) -> None:
    data = media.png(8, 8, 3)
    facts = inspect_input_sync(data, "x")
    store = InputStore(tmp_path)
    relative = await store.save(7, "image", data, facts)
    (tmp_path / relative).write_bytes(b"edited by hand")

    assert await store.load(relative, facts.sha256) is data  # no read, no second checksum
    with pytest.raises(InputMissing, match="checksum"):
        await store.load(relative, facts.sha256)  # from then on, the disk


async def test_the_memory_kept_for_first_posts_is_bounded(tmp_path: Path) -> None:
    store = InputStore(tmp_path, recent_bytes=200)
    kept = []
    for job_id, color in enumerate((4, 5, 6), start=1):
        data = media.png(8, 8, color)
        facts = inspect_input_sync(data, "x")
        kept.append((await store.save(job_id, "image", data, facts), facts, data))
        assert 67 <= len(data) <= 100  # two fit in 200 bytes, three do not
    (tmp_path / kept[0][0]).unlink()  # the oldest left memory: it is read from disk, which fails now

    with pytest.raises(InputMissing):
        await store.load(kept[0][0], kept[0][1].sha256)
    assert await store.load(kept[2][0], kept[2][1].sha256) is kept[2][2]


async def test_a_file_received_before_its_job_is_moved_under_the_jobs_name(tmp_path: Path) -> None:
    data = media.png(8, 8, 7)
    facts = inspect_input_sync(data, "x")
    store = InputStore(tmp_path)

    received = await store.receive(data)
    assert (tmp_path / received).read_bytes() == data
    relative = await store.adopt(received, 9, "image", data, facts)

    assert relative == InputStore.relative_path(9, "image", facts)
    assert not (tmp_path / received).exists()
    assert await InputStore(tmp_path).load(relative, facts.sha256) == data


async def test_only_old_received_files_no_job_adopted_are_cleared(tmp_path: Path) -> None:
    store = InputStore(tmp_path)
    old, new = await store.receive(b"left by a crash"), await store.receive(b"a request under way")
    os.utime(tmp_path / old, (time.time() - 7200, time.time() - 7200))

    assert await store.clear_incoming(older_than_s=3600) == 1
    assert not (tmp_path / old).exists()
    assert (tmp_path / new).read_bytes() == b"a request under way"


async def test_removing_the_last_received_file_leaves_the_folder_a_request_may_be_writing_into(
    tmp_path: Path,
) -> None:
    # Another request's file may be being written into inputs/incoming at that moment: its folder must not
    # vanish between being made and being written into (seen as FileExistsError from mkdir).
    store = InputStore(tmp_path)
    received = await store.receive(media.png(8, 8, 7))
    await store.remove([received])

    assert not (tmp_path / received).exists()
    assert (tmp_path / received).parent.is_dir()


async def test_removing_a_jobs_last_input_removes_its_folder(tmp_path: Path) -> None:
    data = media.png(8, 8, 7)
    store = InputStore(tmp_path)
    relative = await store.save(5, "image", data, inspect_input_sync(data, "x"))
    await store.remove([relative])

    assert not (tmp_path / relative).parent.exists()
