"""A running core (database + fake ComfyUI + queue) for tests, with an observer that records every update."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp

from bot.runtime import CoreRuntime, RuntimeConfig
from comfy.artifacts import FileOpener, open_for_writing
from comfy.client import ClientSettings
from comfy.connection import ReconnectPolicy
from core.jobs.delivery_events import DeliveryEvents
from core.jobs.policy import Requester
from core.jobs.queue_settings import QueueSettings
from core.jobs.service import JobRequest, SubmitReceipt
from core.jobs.snapshots import JobView
from core.jobs.updates import FinalUpdate, JobCancelled, JobCompleted, JobFailed, JobUpdate
from core.kinds import KindRegistry, default_kinds
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from db.enums import DeliveryState

FAST_CLIENT = ClientSettings(
    request_timeout_s=5.0,
    connect_wait_s=5.0,
    silence_timeout_s=2.0,
    poll_interval_s=0.2,
    history_grace_s=1.0,
    give_up_after_failures=3,
    cancel_timeout_s=5.0,
    cancel_recheck_s=0.05,
    reconnect=ReconnectPolicy(base_delay_s=0.05, max_delay_s=0.3, healthy_after_s=1.0, heartbeat_s=5.0),
)


@dataclass
class RecordingObserver:
    """Every update per job, and an event per job that fires on its final update."""

    updates: dict[int, list[JobUpdate]] = field(default_factory=lambda: defaultdict(list))
    finals: dict[int, list[FinalUpdate]] = field(default_factory=lambda: defaultdict(list))
    fail_finals: int = 0  # raise on this many final deliveries first (a front-end outage)
    final_error: Exception = field(default_factory=lambda: RuntimeError("front-end down"))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobCompleted | JobFailed | JobCancelled):
            if self.fail_finals > 0:
                self.fail_finals -= 1
                raise self.final_error
            self.finals[job.id].append(update)
        self.updates[job.id].append(update)
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], within_s: float = 10.0) -> None:
        async with asyncio.timeout(within_s):
            async with self._changed:
                await self._changed.wait_for(predicate)

    async def final(self, job_id: int, within_s: float = 10.0) -> FinalUpdate:
        await self.wait_until(lambda: bool(self.finals.get(job_id)), within_s)
        return self.finals[job_id][0]


@dataclass
class HeldFinals(RecordingObserver):
    """A front-end whose final updates wait for `release` (a slow Discord upload); `entered` says one is
    under way."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobCompleted):
            self.entered.set()
            await self.release.wait()
        await super().job_updated(job, update)


def image_request(
    guild_id: int = 1, user_id: int = 10, prompt: str = "a red fox", **params: object
) -> JobRequest:
    return JobRequest(
        guild_id=guild_id,
        requester=Requester(user_id=user_id, channel_id=100 + guild_id),
        raw_input=prompt,
        params=ImageParams(prompt=prompt, **params),  # type: ignore[arg-type]
    )


def song_request(
    guild_id: int = 1, user_id: int = 10, lyrics: str = "[verse]\nla la\n[chorus]\noh"
) -> JobRequest:
    return JobRequest(
        guild_id=guild_id,
        requester=Requester(user_id=user_id, channel_id=100 + guild_id),
        raw_input=lyrics,
        params=SongParams(lyrics=lyrics, genre="pop", tempo=120, duration=30),
    )


@asynccontextmanager
async def running_core(
    database_url: str,
    comfy_urls: list[str],
    data_dir: Path,
    *,
    observer: RecordingObserver | None = None,
    client_id: str = "test-bot",
    worker_id: str = "worker-1",
    kinds: KindRegistry | None = None,
    workflows_dir: Path | None = None,
    client: ClientSettings = FAST_CLIENT,
    health_interval_s: float = 0.3,
    start_wait_s: float = 5.0,
    open_file: FileOpener = open_for_writing,
    runs_queue: bool = True,
    **queue: object,
) -> AsyncIterator[tuple[CoreRuntime, RecordingObserver]]:
    settings = replace(
        QueueSettings(
            worker_id=worker_id,
            lease_s=6.0,
            retry_backoff_s=0.05,
            delivery_backoff_s=0.05,
            delivery_mark_window_s=0.005,
        ),
        **queue,  # type: ignore[arg-type]
    )
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=comfy_urls,
        data_dir=data_dir,
        client_id=client_id,
        queue=settings,
        client=client,
        health_interval_s=health_interval_s,
        start_wait_s=start_wait_s,
        kinds=kinds or default_kinds(),
        workflows_dir=workflows_dir,
        open_file=open_file,
    )
    observer = observer or RecordingObserver()
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        runtime.observer.target = observer
        await runtime.start(runs_queue=runs_queue)
        try:
            yield runtime, observer
        finally:
            await runtime.close()


async def submit_all(runtime: CoreRuntime, requests: list[JobRequest]) -> list[SubmitReceipt]:
    return [await runtime.service.submit(request) for request in requests]


async def eventually(predicate: Callable[[], bool], within_s: float = 10.0, every_s: float = 0.005) -> None:
    """Wait until `predicate` holds (for state outside the observer, such as the fake's queue)."""
    async with asyncio.timeout(within_s):
        while not predicate():  # noqa: ASYNC110 - the state lives in another component with no event to await
            await asyncio.sleep(every_s)


@asynccontextmanager
async def delivery_settled(events: DeliveryEvents, job_id: int) -> AsyncIterator[asyncio.Event]:
    """An event set when the core says the job's delivery settled (delivered, or given up), heard from the
    moment this is entered: check the database inside, then wait on it, and no settling is missed."""
    settled = asyncio.Event()

    def heard(job: JobView, _state: DeliveryState) -> None:
        if job.id == job_id:
            settled.set()

    stop = events.subscribe(heard)
    try:
        yield settled
    finally:
        stop()


async def wait_delivered(runtime: CoreRuntime, job_id: int, within_s: float = 10.0) -> JobView:
    """The job once the core has said its delivery settled (it marks it right after the observer returns)."""
    async with (
        asyncio.timeout(within_s),
        delivery_settled(runtime.dispatcher.delivery.events, job_id) as settled,
    ):
        job = await runtime.store.get(job_id)
        if job is None or job.delivery_state in (DeliveryState.PENDING, DeliveryState.DELIVERING):
            await settled.wait()
            job = await runtime.store.get(job_id)
        assert job is not None
        return job
