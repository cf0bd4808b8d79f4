"""Downloads: refused before any request when the server names a file unsafely; a failed one keeps nothing."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from comfy import errors, part_file
from comfy.artifacts import ArtifactStore, WritableFile
from comfy.events import OutputFile
from tests.comfy.conftest import ClientFactory, graph


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "sub/dir.png", "..\\x.png"])
async def test_path_traversal_names_are_refused_and_nothing_is_written(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path, name: str
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), f"job-{len(name)}")).result(
        10
    )
    hostile = (*completed.files, OutputFile("2", "images", name, "", "output"))

    with pytest.raises(errors.UnsafeOutputName):
        await ArtifactStore(tmp_path / "data").download(client.http, hostile, kind="image", job_id=1)

    assert not (tmp_path / "data").exists()


async def test_a_missing_output_file_is_an_error_and_leaves_no_partial_file(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    missing = OutputFile("2", "images", "never_written_00001_.png", "bot", "output")

    with pytest.raises(errors.UnexpectedResponse):
        await ArtifactStore(tmp_path / "data").download(client.http, [missing], kind="image", job_id=2)

    assert files_under(tmp_path / "data") == []


async def test_an_unwritable_data_dir_is_a_storage_error_not_a_backend_error(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-disk")).result(10)
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data dir should be")

    with pytest.raises(errors.StorageFailed) as caught:
        await ArtifactStore(blocked).download(client.http, completed.files, kind="image", job_id=3)

    assert not isinstance(caught.value, errors.BackendUnavailable)
    assert caught.value.user_message


async def test_a_full_disk_is_disk_full_and_leaves_no_file_and_no_folder(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-full")).result(10)

    def no_room(path: Path) -> WritableFile:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(errors.DiskFull) as caught:
        await ArtifactStore(tmp_path / "data", open_file=no_room).download(
            client.http, completed.files, kind="image", job_id=4
        )

    assert isinstance(caught.value, errors.StorageFailed)  # what callers that know only StorageFailed catch
    assert [p for p in (tmp_path / "data").rglob("*") if p.parent.name == "image"] == []  # no job folder
    assert files_under(tmp_path / "data") == []


async def test_a_download_cancelled_while_a_file_is_checked_keeps_nothing(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-cancel")).result(10)
    loop = asyncio.get_running_loop()
    checking = asyncio.Event()
    release = threading.Event()

    def held_up(path: Path, mime: str, data: bytes | None) -> str | None:
        loop.call_soon_threadsafe(checking.set)
        release.wait()
        return None

    store = ArtifactStore(tmp_path / "data")
    download = asyncio.ensure_future(
        store.download(client.http, completed.files, kind="image", job_id=5, check=held_up)
    )
    try:
        await checking.wait()  # the file is on disk under its name, being decoded in its worker thread
        download.cancel()
        with pytest.raises(asyncio.CancelledError):
            await download  # at once: a long check (a video's) is not waited for

        assert [p for p in (tmp_path / "data").rglob("*") if p.parent.name == "image"] == []
        assert files_under(tmp_path / "data") == []
    finally:
        release.set()  # the worker thread, which cannot be stopped, ends


async def test_a_small_file_is_checked_from_memory_once_it_is_on_disk_under_its_name(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-held")).result(10)
    seen: list[tuple[bytes | None, bytes]] = []

    def record(path: Path, mime: str, data: bytes | None) -> str | None:
        seen.append((data, path.read_bytes()))
        return None

    saved = await ArtifactStore(tmp_path / "data").download(
        client.http, completed.files[:1], kind="image", job_id=6, check=record
    )

    [(held, on_disk)] = seen
    assert held == on_disk == (tmp_path / "data" / saved[0].path).read_bytes()
    assert len(on_disk) == saved[0].size > 0
    assert [p.name for p in files_under(tmp_path / "data")] == [saved[0].path.name]  # no .part left


async def test_a_file_over_the_write_batch_goes_to_disk_in_parts_and_is_checked_there(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-parts")).result(10)
    monkeypatch.setattr(part_file, "WRITE_BATCH", 1)  # every chunk is written as it comes
    seen: list[bytes | None] = []

    def record(path: Path, mime: str, data: bytes | None) -> str | None:
        seen.append(data)
        return None

    saved = await ArtifactStore(tmp_path / "data").download(
        client.http, completed.files[:1], kind="image", job_id=7, check=record
    )

    assert seen == [None]  # not held in memory: the check reads the file
    async with client.http.view(completed.files[0]) as download:
        served = b"".join([chunk async for chunk in download.chunks])
    assert (tmp_path / "data" / saved[0].path).read_bytes() == served
    assert [p.name for p in files_under(tmp_path / "data")] == [saved[0].path.name]


async def test_a_file_its_check_finds_damaged_is_fetched_again_then_given_up_keeping_nothing(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)
    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-damaged")).result(10)
    checked: list[Path] = []

    def damaged(path: Path, mime: str, data: bytes | None) -> str | None:
        checked.append(path)
        return "it does not decode"

    store = ArtifactStore(tmp_path / "data")
    with pytest.raises(errors.DamagedOutput) as caught:
        await store.download(client.http, completed.files[:1], kind="image", job_id=8, check=damaged)

    assert "it does not decode" in caught.value.detail
    assert len(checked) == 2
    assert (store.refetched, store.given_up) == (1, 1)
    assert files_under(tmp_path / "data") == []
    assert [p for p in (tmp_path / "data").rglob("*") if p.parent.name == "image"] == []
