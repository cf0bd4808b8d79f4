"""Finished jobs by kind and outcome, and how long they waited and ran, from the core's final updates."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from core.jobs.snapshots import JobView
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed, JobUpdate

# Generation takes seconds to many minutes; a song can take as long as JOB_TIMEOUT_S.
DURATION_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, float("inf"))
_OUTCOMES = {JobCompleted: "succeeded", JobFailed: "failed", JobCancelled: "cancelled"}


class JobMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.finished = Counter(
            "comfybot_jobs_finished",
            "Jobs finished, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.wait = Histogram(
            "comfybot_job_wait_seconds",
            "Time from queued to started, per started job.",
            ["kind"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.run = Histogram(
            "comfybot_job_run_seconds",
            "Time from started to finished, per started job.",
            ["kind"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )

    def observe_final(self, job: JobView, update: JobUpdate) -> None:
        outcome = _OUTCOMES.get(type(update))
        if outcome is None:
            return
        kind = str(job.kind)
        self.finished.labels(kind=kind, outcome=outcome).inc()
        if job.started_at is not None:
            self.wait.labels(kind=kind).observe(max(0.0, (job.started_at - job.queued_at).total_seconds()))
            if job.finished_at is not None:
                self.run.labels(kind=kind).observe(
                    max(0.0, (job.finished_at - job.started_at).total_seconds())
                )
