"""Prometheus metrics and a health endpoint, served on METRICS_PORT when it is set."""

from bot.metrics.discord_errors import record_discord_error
from bot.metrics.server import MetricsServer, metrics_served

__all__ = ["MetricsServer", "metrics_served", "record_discord_error"]
