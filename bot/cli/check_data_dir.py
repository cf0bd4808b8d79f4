"""`check`: can the bot write its artifacts (and its SQLite database) into DATA_DIR?"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.cli.check_result import CheckResult


async def check_data_dir(data_dir: Path) -> CheckResult:
    return await asyncio.to_thread(_check, data_dir)


def _check(data_dir: Path) -> CheckResult:
    shown = data_dir.resolve()
    if data_dir.exists() and not data_dir.is_dir():
        return CheckResult.failed(
            f"DATA_DIR {shown} is a file, not a folder", "point DATA_DIR at a folder, or move that file away"
        )
    existing = next(path for path in (shown, *shown.parents) if path.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        return CheckResult.failed(
            f"DATA_DIR {shown} is not writable by this user ({existing} is not)",
            f"give this user write access to {existing} (e.g. `chown` it), or point DATA_DIR elsewhere",
        )
    if existing != shown:
        return CheckResult.passed(f"DATA_DIR {shown} will be created at start")
    return CheckResult.passed(f"DATA_DIR {shown} is writable")
