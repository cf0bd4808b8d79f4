from __future__ import annotations

from pathlib import Path

import pytest

from comfy.client_id import load_or_create_client_id


def test_client_id_is_created_once_and_reused_on_every_boot(tmp_path: Path) -> None:
    path = tmp_path / "state" / "comfy_client_id"

    first = load_or_create_client_id(path)
    second = load_or_create_client_id(path)

    assert first == second
    assert first.startswith("bot-")
    assert path.read_text().strip() == first


def test_a_corrupt_client_id_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "id"
    path.write_text("has spaces and / slashes")

    with pytest.raises(ValueError, match="invalid client id"):
        load_or_create_client_id(path)
    assert path.read_text() == "has spaces and / slashes"
