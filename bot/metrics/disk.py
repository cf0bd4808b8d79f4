"""The data directory's room: whether it is full, and how many finished jobs wait to be saved meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily

from core.jobs.disk_space import DiskSpace


class DiskCollector:
    """Read from the runtime's DiskSpace when Prometheus scrapes."""

    def __init__(self, disk: DiskSpace) -> None:
        self._disk = disk

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "comfybot_disk_full",
            "1 while DATA_DIR has no room: finished jobs wait to be saved and new jobs wait in the queue.",
            value=1 if self._disk.full else 0,
        )
        yield GaugeMetricFamily(
            "comfybot_jobs_saving",
            "Finished jobs of this worker whose results wait for room on the disk (kept on ComfyUI).",
            value=self._disk.saving_count,
        )
