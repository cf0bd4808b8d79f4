"""The Discord-free heart of the bot, built and started in one place: database, ComfyUI pool, queue, service.

Part of the composition root: only here are the engine, the database's units of work and the ComfyUI clients
built and handed to the core. The composition root (`python -m bot`), the `generate` command, the benchmarks
and the tests all build the same runtime, so what is tested is what runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from background.heap import keep_boot_objects_out_of_full_collections
from background.log_context import log_context
from comfy.artifacts import ArtifactStore, FileOpener, open_for_writing
from comfy.client import ClientSettings, ComfyClient
from comfy.connection import ReconnectPolicy
from comfy.pool import ComfyPool
from comfy.workflows.catalogue import WorkflowCatalogue
from core.inputs import InputLimits
from core.inputs.store import InputStore
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.browsing import JobBrowser
from core.jobs.completion_pings import CompletionPings
from core.jobs.deleted_files import DeletedFilesSweep
from core.jobs.disk_space import DiskSpace
from core.jobs.dispatcher import Dispatcher
from core.jobs.failure_notices import FailureNotices, FailureNoticeSettings
from core.jobs.from_results import ResultRequests
from core.jobs.guild_limits import KnownLimits
from core.jobs.guild_policies import GuildPolicies
from core.jobs.input_intake import InputIntake
from core.jobs.input_staging import InputStaging
from core.jobs.policy import PolicyCache
from core.jobs.preferences import PersonalPreferences
from core.jobs.privacy import ResultPrivacy
from core.jobs.queue_settings import QueueSettings
from core.jobs.service import JobService
from core.jobs.snapshots import JobView
from core.jobs.updates import JobObserver, JobUpdate, NullObserver
from core.kinds import KindRegistry, default_kinds
from core.moderation.retention import ModerationRetention
from core.moderation.service import ModerationLogService
from core.moderation.settings import ModerationSettings
from core.queue.limits import GuildLimits
from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.inputs import InputScreen
from core.safety.screen import ResultScreen
from core.workflows.library import WorkflowLibrary
from core.workflows.shelf import WorkflowShelf
from db.engine import create_engine, create_sessionmaker, is_sqlite
from db.units.deleted_results import DeletedResults
from db.units.failure_windows import FailureWindows
from db.units.job_inputs import JobInputStore
from db.units.job_queries import JobQueries
from db.units.jobs import JobStore
from db.units.moderation_log import ModerationStore
from db.units.policies import PolicyStore
from db.units.preferences import PreferenceStore
from db.units.run_history import RunHistory
from db.units.stored_workflows import StoredWorkflows

log = logging.getLogger(__name__)

# A received input no job adopted within this long was left by a crash (a request takes seconds at most).
INCOMING_KEPT_S = 3600.0


class ObserverSwitch:
    """Forwards updates to whichever observer is plugged in (the front-end is built after the core).

    `taps` (metrics, say) see every update the target accepted; an update it raised on is retried by the
    core and seen then, so a tap counts each delivered result once.
    """

    def __init__(self, target: JobObserver | None = None) -> None:
        self.target: JobObserver = target or NullObserver()
        self.taps: list[Callable[[JobView, JobUpdate], None]] = []

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        await self.target.job_updated(job, update)
        for tap in self.taps:
            try:
                tap(job, update)
            except Exception:
                with log_context(job_id=job.id, guild_id=job.guild_id):
                    log.exception("an observer tap failed")


@dataclass(frozen=True)
class RuntimeConfig:
    database_url: str
    comfyui_urls: list[str]
    data_dir: Path
    client_id: str
    queue: QueueSettings
    workflows_dir: Path | None = None
    # The core tells members their place in its own queue, not the server's: no GET /queue per prompt.
    # Progress is handed on 20 times a second (a Discord message shows it every 2 s at most): a job's
    # ~36 frames wake the job's task a few times instead of once or twice a step (comfy.run.PromptRun).
    # Mid-sampler the socket is read every 50 ms too, not at every step (comfy.read_pacing).
    client: ClientSettings = field(
        default_factory=lambda: ClientSettings(
            queue_positions=False,
            progress_pace_s=0.05,
            reconnect=ReconnectPolicy(read_pause_s=0.05),
        )
    )
    health_interval_s: float = 15.0
    # How long the start waits for a backend's first answer before the others take jobs without it.
    start_wait_s: float = 5.0
    deleted_files_grace_s: float = 86_400.0  # a deleted result's files stay this long in DATA_DIR
    # The kinds of job this bot runs: the built-in ones unless a test or an extension adds its own.
    kinds: KindRegistry = field(default_factory=default_kinds)
    # ENABLED_KINDS: the kinds offered (None: every kind some backend can run).
    enabled_kinds: tuple[str, ...] | None = None
    # INPUT_MAX_BYTES, INPUT_MAX_PIXELS, INPUT_MAX_SECONDS: what a picture or sound file given may weigh.
    input_limits: InputLimits = field(default_factory=InputLimits)
    # PERSONAL_*: one person's caps and rate where the app is used outside its servers (core.jobs.scopes).
    personal_limits: GuildLimits = field(default_factory=GuildLimits)
    # SAFETY_*: the image classifier (or why none runs) and what it flags; tests stand one in here.
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    # MODERATION_LOG_DAYS: how long refused and withheld requests stay in the guild's moderation log.
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    # How often a server's log channel hears of failures alike (core.jobs.failure_notices); tests' clock.
    failure_notices: FailureNoticeSettings = field(default_factory=FailureNoticeSettings)
    # Where the data dir's result files are written: the real filesystem (a test makes it fail with ENOSPC).
    open_file: FileOpener = open_for_writing
    # A bot process (bot.cli) keeps what it has made by the end of `start` out of the collector's full
    # passes (background.heap); a test process, which builds many runtimes, does not.
    freeze_boot_heap: bool = False


class CoreRuntime:
    def __init__(
        self,
        config: RuntimeConfig,
        *,
        http: aiohttp.ClientSession,
        catalogue: WorkflowCatalogue,
        engine: AsyncEngine | None = None,
    ) -> None:
        self.config = config
        self.http = http
        # Live: the workflows added from Discord join it (and leave it) while the bot runs.
        library = catalogue if isinstance(catalogue, WorkflowLibrary) else WorkflowLibrary(catalogue)
        self.catalogue = library
        self.engine = engine or create_engine(config.database_url)
        self.sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(self.engine)
        self.observer = ObserverSwitch()
        self.clients = [
            ComfyClient(http, url, config.client_id, settings=config.client, name=url)
            for url in config.comfyui_urls
        ]
        self.pool = ComfyPool(
            self.clients, health_interval_s=config.health_interval_s, connect_wait_s=config.start_wait_s
        )
        self.kinds = config.kinds
        self.store = JobStore(
            self.sessions, config.kinds.parse, worker_id=config.queue.worker_id, lease_s=config.queue.lease_s
        )
        self.policies = PolicyCache(
            PolicyStore(self.sessions, worker_id=config.queue.worker_id),
            personal_limits=config.personal_limits,
        )
        self.artifacts = ArtifactStore(config.data_dir, open_file=config.open_file)
        self.disk = DiskSpace(config.data_dir, open_file=config.open_file)
        self.artifact_files = ArtifactFiles(config.data_dir)
        self.input_files = InputStore(config.data_dir, open_file=config.open_file)
        moderation_store = ModerationStore(self.sessions)
        self.moderation = ModerationLogService(moderation_store, clock=config.moderation.clock)
        self.moderation_retention = ModerationRetention(moderation_store, config.moderation)
        # The content-safety classifier on every result and input picture (off when it is not installed).
        self.safety = SafetyChecker(config.safety)
        screen = ResultScreen(self.safety, self.policies, config.data_dir, self.moderation)
        self.limits = KnownLimits(self.policies)  # the scheduler's view of each guild's limits
        self.dispatcher = Dispatcher(
            store=self.store,
            pool=self.pool,
            catalogue=library,
            kinds=config.kinds,
            artifacts=self.artifacts,
            disk=self.disk,
            observer=self.observer,
            settings=config.queue,
            limits_for=self.limits,
            listen_url=None if is_sqlite(config.database_url) else config.database_url,
            past_runs=RunHistory(self.sessions).recent,
            inputs=InputStaging(self.input_files, JobInputStore(self.sessions)),
            screen=screen,
        )
        self.failure_notices = FailureNotices(config.failure_notices, FailureWindows.shared_by(self.engine))
        self.dispatcher.outcomes.failures.subscribe(self.failure_notices.heard)
        self.workflows = WorkflowShelf(
            StoredWorkflows(self.sessions, worker_id=config.queue.worker_id),
            library,
            config.kinds,
            self.clients,
            on_change=self.dispatcher.capabilities.refresh,
        )
        self.dispatcher.worker_sync.reload_workflows = self.workflows.reload
        self.dispatcher.worker_sync.policy_changed = self.policies.forget
        self.limits.on_read = self.dispatcher.wake
        self.deletions = DeletedResults(self.sessions)
        self.service = JobService(
            store=self.store,
            dispatcher=self.dispatcher,
            catalogue=library,
            policies=self.policies,
            deletions=self.deletions,
            kinds=config.kinds,
            intake=InputIntake(self.input_files, config.input_limits, on_no_room=self.disk.ran_out),
            enabled_kinds=config.enabled_kinds,
            moderation=self.moderation,
            input_screen=InputScreen(self.safety),
        )
        # What the front-end makes from a finished result (Vary, Remix, Edit, Upscale, Cover, a reply).
        self.results = ResultRequests(
            self.service, self.artifact_files, self.input_files, JobInputStore(self.sessions)
        )
        self.deleted_files = DeletedFilesSweep(
            self.deletions, config.data_dir, grace_s=config.deleted_files_grace_s
        )
        self.queries = JobQueries(self.sessions, config.kinds.parse)
        self.browser = JobBrowser(self.queries, self.dispatcher)
        self.guild_policies = GuildPolicies(self.policies)
        preference_store = PreferenceStore(self.sessions)
        self.pings = CompletionPings(self.policies, preference_store)
        self.preferences = PersonalPreferences(preference_store, library, self.dispatcher.capabilities)
        self.privacy = ResultPrivacy(self.policies, preference_store)
        self._owns_engine = engine is None

    @classmethod
    async def build(cls, config: RuntimeConfig, *, http: aiohttp.ClientSession) -> CoreRuntime:
        catalogue = await config.kinds.load_catalogue(config.workflows_dir)
        return cls(config, http=http, catalogue=catalogue)

    async def start(self, *, runs_queue: bool = True) -> None:
        """`runs_queue` False in a gateway process: it submits jobs and keeps a copy of the queue, the worker
        processes run them (and sweep deleted files)."""
        await asyncio.to_thread(self.config.data_dir.mkdir, parents=True, exist_ok=True)
        await self.input_files.clear_incoming(older_than_s=INCOMING_KEPT_S)
        names = self.catalogue.names()
        log.info("workflows: %d ready (%s)", len(names), ", ".join(names))
        # A gateway posts no prompt: it needs no backend's events, only what each one can run. While the
        # backends connect, the stored workflows are read (neither needs the other; both are in hand before
        # the dispatcher reads what each backend can run), and so are the dispatcher's own reads (past run
        # times, the results to deliver again, the jobs it ran or that wait): its jobs start on their answer.
        reading = asyncio.gather(
            self.workflows.reload(then_capabilities=False), self.dispatcher.prepare(runs_queue=runs_queue)
        )
        try:
            await self.pool.start(events=runs_queue)
        except BaseException:
            reading.cancel()
            raise
        await reading
        self._report_backends()
        self._report_safety()
        await self.dispatcher.start(runs_queue=runs_queue)
        if runs_queue:
            self.deleted_files.start()
            self.moderation_retention.start()
        if self.config.freeze_boot_heap:
            keep_boot_objects_out_of_full_collections()

    def _report_backends(self) -> None:
        """One line per backend (the pool logs each one that answers); one that does not is not fatal."""
        for name, state in self.pool.health.items():
            if not state.healthy:
                log.warning(
                    "ComfyUI %s is not answering (%s): the bot runs anyway and jobs wait until it answers "
                    "(fix: start ComfyUI or correct COMFYUI_URLS)",
                    name,
                    state.detail,
                )

    def _report_safety(self) -> None:
        if self.safety.classifier is not None:
            log.info("content safety: results and input pictures checked by %s", self.safety.classifier.name)
        else:
            log.info("content safety is off: %s", self.safety.off_reason)

    async def close(self) -> None:
        await self.deleted_files.close()
        await self.moderation_retention.close()
        await self.dispatcher.close()
        await self.limits.close()
        await self.failure_notices.close()
        await self.pool.close()
        self.safety.close()
        await self.moderation.close()  # refusals logged until the end
        if self._owns_engine:
            await self.engine.dispose()
