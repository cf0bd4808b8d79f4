"""Running `check` in the test's process and reading its report."""

from __future__ import annotations

import io

from bot.cli.check import check
from bot.settings import Settings


def settings_for(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


async def run_check(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = await check(settings, out)
    return code, out.getvalue()


def failures(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("✗")]
