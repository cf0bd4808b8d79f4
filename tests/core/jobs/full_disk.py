"""A data directory on a filesystem that can be full: every write through it fails with ENOSPC while it is.

Plugged in where the composition root says the data dir's files are written (RuntimeConfig.open_file), so
the artifact writer and the disk probe meet the error exactly where a real full filesystem raises it: on
write(), in a worker thread.
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

from comfy.artifacts import WritableFile


class FullDisk:
    def __init__(self, *, full: bool = False) -> None:
        self.full = full
        self._lock = threading.Lock()
        self.refused = 0  # writes refused so far (the artifact writer's fetches and the probe's)

    def open(self, path: Path) -> WritableFile:
        return _Guarded(path.open("wb"), self)

    def refuse(self) -> None:
        with self._lock:
            self.refused += 1
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _Guarded:
    def __init__(self, handle: WritableFile, disk: FullDisk) -> None:
        self._handle = handle
        self._disk = disk

    def write(self, data: bytes, /) -> int:
        if self._disk.full:
            self._disk.refuse()
        return self._handle.write(data)

    def close(self) -> None:
        self._handle.close()
