"""Knobs of the queue and its workers (set from the bot's settings by the composition root)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class QueueSettings:
    worker_id: str
    # Prompts kept waiting in each backend's own queue beyond the running one, so it never idles.
    prequeue_depth: int = 1
    global_max_running: int = 64
    lease_s: float = 60.0
    job_timeout_s: float = 900.0
    # Per kind of job, replacing what the kind itself says (KindSpec.job_timeout_s, .max_running_per_user).
    kind_timeouts_s: Mapping[str, float] = field(default_factory=dict)
    kind_running_caps: Mapping[str, int] = field(default_factory=dict)
    max_attempts: int = 3
    retry_backoff_s: float = 2.0
    # A finished job whose results do not fit on a full disk fetches them again after this long, doubling
    # up to the cap (and at once when a probe of the disk finds room); the probe runs this often.
    save_retry_s: float = 10.0
    save_retry_max_s: float = 300.0
    delivery_attempts: int = 5
    delivery_backoff_s: float = 1.0
    # A delivered result's mark waits this long for others to share its database trip (delivery_marks.py).
    delivery_mark_window_s: float = 0.05
    capability_refresh_s: float = 30.0
    held_user_s: float = 0.5
    resync_s: float = 30.0
    position_refresh_s: float = 3.0
    # On SIGTERM, deliveries under way get this long to finish before the process stops.
    shutdown_grace_s: float = 8.0
    positions_shown: int = 200  # jobs further back keep the place they were told at submit
    # A job its workflow has taken less than this for on the backend (start to saved result, as learned for
    # waits: core.jobs.run_times) is posted quietly (comfy.quiet): the worker is sent none of its progress or
    # previews, which the job's message (edited at most every 2 s) could not show before its result anyway,
    # only its end. 0: never.
    quiet_below_s: float = 0.5
