"""DiskSpace on its own: the disk reported full once and free once, and what its probe wakes."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from core.jobs import disk_space
from core.jobs.disk_space import DiskSpace
from tests.core.jobs.full_disk import FullDisk


class Usage(NamedTuple):
    total: int
    used: int
    free: int


def test_the_disk_is_reported_once_when_it_fills_and_once_when_it_has_room(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=disk_space.__name__)
    disk = DiskSpace(tmp_path)
    changes: list[bool] = []
    disk.on_change(lambda: changes.append(disk.full))
    for attempt in range(5):
        disk.ran_out(f"ENOSPC, try {attempt}")
    disk.has_room()
    disk.has_room()

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage().split(" (")[1].split(")")[0] for r in errors] == ["ENOSPC, try 0"]
    assert sum("has room again" in r.getMessage() for r in caplog.records) == 1
    assert changes == [True, False]
    assert (disk.full, disk.detail, disk.since) == (False, "", None)


async def test_the_probe_lets_new_jobs_run_once_a_file_fits_and_nobody_waits_to_save(tmp_path: Path) -> None:
    full = FullDisk(full=True)
    disk = DiskSpace(tmp_path, open_file=full.open)
    disk.ran_out("ENOSPC")
    await disk.probe()
    assert disk.full
    full.full = False
    await disk.probe()
    assert not disk.full
    assert not (tmp_path / disk_space.PROBE_NAME).exists()  # the probe file is gone


async def test_the_probe_wakes_the_waiting_jobs_again_only_once_more_room_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free = [50 << 20]
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(1 << 40, 0, free[0]))
    disk = DiskSpace(tmp_path)
    disk.ran_out("ENOSPC")
    wake = disk.saving(1)

    await disk.probe()  # a probe file fits: the job tries at once
    assert wake.is_set()
    wake.clear()  # its try did not fit (a result bigger than 50 MB): it waits on its back-off
    await disk.probe()
    assert not wake.is_set()  # the same room: no new try every turn
    free[0] = 500 << 20
    await disk.probe()
    assert wake.is_set()  # more room: it tries again at once
    assert disk.full  # only a saved result (or nobody waiting) says there is room
