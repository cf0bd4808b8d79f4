"""Downloads are refused before any request when the server names a file unsafely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from comfy import errors
from comfy.artifacts import ArtifactStore
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
