"""Damaged files from ComfyUI: how many were fetched again, and how many stayed damaged (a failed job)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily

from comfy.artifacts import ArtifactStore


class OutputFetchCollector:
    """Read from the artifact store's own counts when Prometheus scrapes (it counts with no metrics on)."""

    def __init__(self, artifacts: ArtifactStore) -> None:
        self._artifacts = artifacts

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "comfybot_output_refetches",
            "Output files fetched again from ComfyUI because the first copy was cut short or did not decode.",
            value=self._artifacts.refetched,
        )
        yield CounterMetricFamily(
            "comfybot_output_damaged",
            "Output files still damaged when fetched again (each failed its job).",
            value=self._artifacts.given_up,
        )
