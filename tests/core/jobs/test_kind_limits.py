"""Per kind of job: a timeout and a running cap per member (videos: 30 minutes, one at a time)."""

from __future__ import annotations

from core.jobs.kind_limits import KindLimits
from core.jobs.queue_settings import QueueSettings
from core.jobs.scheduler import Scheduler
from core.kinds import default_kinds
from core.queue.limits import GuildLimits
from db.snapshots import QueuedJob

KINDS = default_kinds()
CATALOGUE = KINDS.catalogue()


def limits(**settings: object) -> KindLimits:
    return KindLimits(KINDS, CATALOGUE, QueueSettings(worker_id="w", **settings))  # type: ignore[arg-type]


def test_videos_get_thirty_minutes_and_other_kinds_the_general_timeout() -> None:
    general = limits(job_timeout_s=600.0)

    assert general.timeout_s("video") == 1800.0
    assert general.timeout_s("image") == 600.0
    assert general.timeout_s("song") == 600.0
    assert general.timeout_s("hologram") == 600.0, "a kind no longer registered follows the general rule"


def test_the_operators_setting_wins_over_the_kinds_own() -> None:
    chosen = limits(
        kind_timeouts_s={"video": 3600.0, "image": 120.0}, kind_running_caps={"video": 2, "song": 1}
    )

    assert chosen.timeout_s("video") == 3600.0
    assert chosen.timeout_s("image") == 120.0
    assert chosen.running_cap("video") == 2
    assert chosen.running_cap("song") == 1
    assert chosen.running_cap("image") is None


def test_a_member_runs_one_video_at_a_time_while_images_and_other_members_go_on() -> None:
    scheduler = Scheduler(
        backends=["a", "b"],
        places_per_backend=2,
        max_running=64,
        is_healthy=lambda _name: True,
        capable=lambda _workflow: frozenset({"a", "b"}),
        limits_for=lambda _guild: GuildLimits(max_running_per_user=3),
        kind_cap=limits().cap_of,
    )
    # A member's own jobs keep their order (the fair queue serves each member's line from its head).
    for entry in (
        QueuedJob(1, 1, 10, "video"),
        QueuedJob(3, 1, 10, "txt2img"),
        QueuedJob(2, 1, 10, "video"),
        QueuedJob(4, 1, 20, "video"),
    ):
        scheduler.enqueue(entry)

    first = scheduler.take_ready(running=0)

    assert sorted(a.entry.job_id for a in first) == [1, 3, 4], "the second video waits; other members' do not"
    assert scheduler.is_waiting(2)
    next(a for a in first if a.entry.job_id == 1).release()
    assert [a.entry.job_id for a in scheduler.take_ready(running=2)] == [2]
