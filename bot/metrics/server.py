"""The metrics endpoint: `/metrics` for Prometheus and `/healthz` for orchestrators, on the bot's own loop."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest

from bot.metrics.discord_errors import DiscordErrorCollector
from bot.metrics.disk import DiskCollector
from bot.metrics.health import health_report
from bot.metrics.job_metrics import JobMetrics
from bot.metrics.output_fetches import OutputFetchCollector
from bot.metrics.runtime_gauges import RuntimeGauges
from bot.runtime import CoreRuntime

log = logging.getLogger(__name__)


class MetricsServer:
    def __init__(
        self,
        runtime: CoreRuntime,
        gateway_connected: Callable[[], bool],
        *,
        port: int,
        host: str = "0.0.0.0",  # noqa: S104 - scraped from outside the container by design
    ) -> None:
        self._runtime = runtime
        self._gateway_connected = gateway_connected
        self._host, self._port = host, port
        self.registry = CollectorRegistry()
        self.jobs = JobMetrics(self.registry)
        self.registry.register(DiscordErrorCollector())
        self.registry.register(OutputFetchCollector(runtime.artifacts))
        self.registry.register(DiskCollector(runtime.disk))
        # process_cpu_seconds_total and memory: the dashboard's CPU per finished job (Linux /proc only).
        ProcessCollector(registry=self.registry)
        self._gauges = RuntimeGauges(self.registry)
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when started with port 0)."""
        if self._runner is None or not self._runner.addresses:
            return self._port
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        self._runtime.observer.taps.append(self.jobs.observe_final)
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        log.info("metrics on http://%s:%d/metrics and /healthz", self._host, self.port)

    async def stop(self) -> None:
        if self.jobs.observe_final in self._runtime.observer.taps:
            self._runtime.observer.taps.remove(self.jobs.observe_final)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        await self._gauges.refresh(self._runtime)
        body = generate_latest(self.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        report = await health_report(self._runtime, self._gateway_connected)
        return web.json_response(report, status=200 if report["healthy"] else 503)


@asynccontextmanager
async def metrics_served(
    port: int | None,
    runtime: CoreRuntime,
    gateway_connected: Callable[[], bool],
    *,
    host: str = "0.0.0.0",  # noqa: S104 - scraped from outside the container by design
) -> AsyncIterator[MetricsServer | None]:
    """Serve metrics for the duration of the block when a port is configured; otherwise do nothing."""
    if port is None:
        yield None
        return
    server = MetricsServer(runtime, gateway_connected, port=port, host=host)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
