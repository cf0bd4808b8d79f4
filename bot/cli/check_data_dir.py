"""`check`: can the bot write its artifacts (and its SQLite database) into DATA_DIR, and is there room?"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from bot.cli.check_result import CheckResult
from comfy.artifacts import FileOpener, is_out_of_room, open_for_writing
from core.jobs.disk_space import probe_room

LOW_ROOM_BYTES = 1 << 30  # a few videos' worth: below this, a warning before the disk fills


async def check_data_dir(data_dir: Path, open_file: FileOpener = open_for_writing) -> CheckResult:
    return await asyncio.to_thread(_check, data_dir, open_file)


def _check(data_dir: Path, open_file: FileOpener) -> CheckResult:
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
    return _room(shown, open_file)


def _room(data_dir: Path, open_file: FileOpener) -> CheckResult:
    free = shutil.disk_usage(data_dir).free
    problem = probe_room(data_dir, open_file)
    fix = f"free space on the filesystem of {data_dir} (old results under artifacts/ can go), or give it more"
    if problem is not None and is_out_of_room(problem):
        return CheckResult.failed(
            f"DATA_DIR {data_dir} is full ({problem.strerror}): finished jobs wait to be saved and new jobs "
            "wait in the queue until there is room",
            fix,
        )
    if problem is not None:
        return CheckResult.failed(f"DATA_DIR {data_dir} cannot be written: {problem}", "check its filesystem")
    if free < LOW_ROOM_BYTES:
        return CheckResult.warned(f"DATA_DIR {data_dir} is writable but has only {free >> 20} MB free", fix)
    return CheckResult.passed(f"DATA_DIR {data_dir} is writable ({free >> 30} GB free)")
