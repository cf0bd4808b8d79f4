"""A workflow's name (a WORKFLOWS_DIR file's stem, or /workflows add's name:): letters, digits, -, _ and ."""

from __future__ import annotations

import pytest

from comfy.workflows.catalogue import valid_name


@pytest.mark.parametrize("name", ["portrait", "sdxl_base-1.0", "4x", "a" * 64])
def test_a_plain_name_is_a_workflows_name(name: str) -> None:
    assert valid_name(name)


@pytest.mark.parametrize(
    "name",
    ["", ".hidden", "..", "a/b", "a\\b", "portrait@123", "my portrait", "a" * 65, "portrait\n", "a\nb"],
)
def test_anything_else_is_refused(name: str) -> None:
    """'portrait\\n' passed before: the pattern's `$` also matches before a final line break."""
    assert not valid_name(name)
