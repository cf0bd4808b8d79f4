"""Small files with one job each: no production module over 300 lines (DEVELOPERS.md's rule), so a file that
grows past it is split in the change that grows it, not found later. Migrations are written once and never
edited, so they are left out."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("background", "bot", "comfy", "core", "db")
MOST_LINES = 300


def test_no_production_module_is_over_300_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert too_long == {}
