"""`check` says whether content safety runs: the model loaded and tried, or off and why."""

from __future__ import annotations

import importlib.util
import io
import sys

import pytest

from bot.cli.check_result import report
from bot.cli.check_safety import check_safety
from bot.settings import Settings


def settings_for(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


async def reported(settings: Settings) -> str:
    out = io.StringIO()
    report(await check_safety(settings), out)
    return out.getvalue()


async def test_switched_off_passes_and_says_so() -> None:
    assert await reported(settings_for(safety_classifier="off")) == (
        "✓ content safety is off (SAFETY_CLASSIFIER is off)\n"
    )


async def test_without_the_extra_it_warns_why_and_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nudenet", None)  # as if not installed: importing it raises ImportError
    text = await reported(settings_for())
    assert text.startswith("! content safety is off: NudeNet is not installed (nudenet is missing)")
    assert "fix: install the extra: pip install '.[safety]'" in text


@pytest.mark.skipif(
    importlib.util.find_spec("nudenet") is None,
    reason="the safety extra (NudeNet) is not installed: pip install '.[safety]'",
)
async def test_with_the_extra_it_says_the_model_loaded() -> None:
    text = await reported(settings_for())
    assert text.startswith("✓ content safety: the nudenet-320n model loaded and classified a test picture")
