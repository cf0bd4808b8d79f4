"""Queue depth and backend state, read from the runtime and the database when Prometheus scrapes."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Gauge

from bot.logging_setup import redact_url_credentials
from bot.metrics.health import database_reachable
from bot.runtime import CoreRuntime
from comfy.pool import ComfyPool
from core.jobs.scopes import is_personal

log = logging.getLogger(__name__)

TOP_GUILDS = 10
OTHER_GUILDS = "other"
# The jobs of people using the app installed to their own account (core.jobs.scopes), summed: their scope
# is no guild, and a label per person would name them by their Discord id.
PERSONAL = "personal"


class RuntimeGauges:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.queued = Gauge(
            "comfybot_queued_jobs", "Jobs waiting in the queue (all workers).", registry=registry
        )
        self.running = Gauge("comfybot_running_jobs", "Jobs running (all workers).", registry=registry)
        self.guild_queued = Gauge(
            "comfybot_guild_queued_jobs",
            f"Queued jobs of the {TOP_GUILDS} guilds with the most; the rest summed as guild=other.",
            ["guild"],
            registry=registry,
        )
        self.worker_queued = Gauge(
            "comfybot_worker_queued_jobs", "Jobs in this worker's own queue.", registry=registry
        )
        self.worker_running = Gauge(
            "comfybot_worker_running_jobs", "Jobs this worker runs.", registry=registry
        )
        self.database_up = Gauge(
            "comfybot_database_up", "1 when the last scrape could read the database.", registry=registry
        )
        self.backend_up = Gauge(
            "comfybot_backend_up", "1 when the backend is healthy.", ["backend"], registry=registry
        )
        self.backend_load = Gauge(
            "comfybot_backend_load",
            "Prompts queued or running on the backend.",
            ["backend"],
            registry=registry,
        )

    async def refresh(self, runtime: CoreRuntime) -> None:
        self.worker_queued.set(runtime.dispatcher.queued_count())
        self.worker_running.set(runtime.dispatcher.running_count())
        self._backends(runtime.pool)
        # Asked first, with the health check's time limit: a database that stops answering (a network that
        # drops its packets) would otherwise hold the scrape with no end, and Prometheus take the whole bot
        # for down instead of seeing comfybot_database_up 0 beside the rest.
        if not await database_reachable(runtime):
            self.database_up.set(0)
            return
        try:
            by_guild = await runtime.queries.active_counts_by_guild()
        except Exception:  # the scrape still reports the rest, and that the database is down
            log.warning("metrics: cannot read queue depth from the database", exc_info=True)
            self.database_up.set(0)
            return
        self.database_up.set(1)
        self.queued.set(sum(counts.queued for counts in by_guild.values()))
        self.running.set(sum(counts.running for counts in by_guild.values()))
        self._guilds({guild_id: counts.queued for guild_id, counts in by_guild.items() if counts.queued})

    def _guilds(self, queued: dict[int, int]) -> None:
        guilds = {scope: count for scope, count in queued.items() if not is_personal(scope)}
        ranked = sorted(guilds.items(), key=lambda item: (-item[1], item[0]))
        self.guild_queued.clear()  # a guild that left the top 10 must not linger with a stale value
        for guild_id, count in ranked[:TOP_GUILDS]:
            self.guild_queued.labels(guild=str(guild_id)).set(count)
        self.guild_queued.labels(guild=OTHER_GUILDS).set(sum(count for _, count in ranked[TOP_GUILDS:]))
        self.guild_queued.labels(guild=PERSONAL).set(sum(queued.values()) - sum(guilds.values()))

    def _backends(self, pool: ComfyPool) -> None:
        for client in pool.clients:
            name = redact_url_credentials(client.name)
            self.backend_up.labels(backend=name).set(1 if pool.health[client.name].healthy else 0)
            self.backend_load.labels(backend=name).set(ComfyPool.load(client))
