"""The monitoring profile: Grafana's dashboard asks only for metrics the bot serves, and the compose file
wires Prometheus (scraping the bot) and Grafana (that dashboard, that Prometheus) together.

`docker compose config` is not available on the test machine, so the compose file is checked as YAML: the
services, the files they mount (which must exist) and the addresses they use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import record_discord_error
from tests.bot.metrics.test_metrics_server import serving
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeComfyUI, FakeConfig

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "comfybot.json"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
MADE_BY_PROMETHEUS = {"up"}  # a target's health, recorded by Prometheus itself
PROVISIONING = ROOT / "deploy" / "grafana" / "provisioning"

# What a PromQL expression holds besides metric names: keywords, and the label lists of the grouping ones.
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless"}
_GROUPING = r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, labels, ranges and numbers left out)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # ranges, $__rate_interval included
    expr = re.sub(_GROUPING, " ", expr)
    expr = re.sub(r"(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?", " ", expr)  # numbers, 1e-9 included
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if expr[match.end() :].lstrip().startswith("(") or match.group() in _KEYWORDS:
            continue  # a function call (rate, histogram_quantile...) or a keyword
        names.add(match.group())
    return names


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))  # a collapsed row keeps its panels inside


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in _panels(dashboard()["panels"]) for target in panel.get("targets", [])]


def test_metric_names_are_read_out_of_promql() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, kind) (rate(comfybot_job_wait_seconds_bucket{job="x"}'
        "[$__rate_interval]))) / clamp_min(sum(rate(process_cpu_seconds_total[5m])), 1e-9)"
    )
    assert metric_names(expr) == {"comfybot_job_wait_seconds_bucket", "process_cpu_seconds_total"}


def test_the_dashboard_shows_what_an_operator_asks_first() -> None:
    asked = set().union(*(metric_names(expr) for expr in dashboard_exprs()))
    assert {
        "comfybot_guild_queued_jobs",  # queue depth per guild
        "comfybot_job_wait_seconds_bucket",
        "comfybot_job_run_seconds_bucket",
        "comfybot_jobs_finished_total",  # per outcome
        "comfybot_backend_up",
        "comfybot_backend_load",
        "comfybot_discord_api_errors_total",  # by code
        "process_cpu_seconds_total",  # CPU per job
        "comfybot_disk_full",
        "comfybot_jobs_saving",
    } <= asked


def alert_exprs() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule["expr"] for group in rules for rule in group["rules"]]


async def test_every_metric_the_dashboard_and_the_alerts_query_is_served(
    database_url: str, fake_comfy_factory: Any, tmp_path: Path
) -> None:
    asked = {
        name: expr
        for expr in dashboard_exprs() + alert_exprs()
        for name in metric_names(expr)
        if name not in MADE_BY_PROMETHEUS
    }
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(default_steps=2, previews=False))
    async with (
        running_core(database_url, [fake.url], tmp_path) as (runtime, observer),
        serving(runtime, [True]) as (_, url),
    ):
        # One job through the fake, and one Discord error, so the labelled series exist.
        receipt = await runtime.service.submit(image_request(guild_id=1))
        await observer.final(receipt.job.id)
        record_discord_error(10008)
        scraped = await _scrape_text(url)
    served = {sample.name for family in text_string_to_metric_families(scraped) for sample in family.samples}
    missing = {name: expr for name, expr in asked.items() if name not in served}
    assert not missing, f"the dashboard queries metrics the bot does not serve: {missing}"


async def _scrape_text(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
        assert response.status == 200
        return await response.text()


def test_every_panel_reads_the_provisioned_prometheus() -> None:
    (source,) = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())["datasources"]
    panels = [p for p in _panels(dashboard()["panels"]) if p["type"] != "row"]
    assert panels
    for panel in panels:
        assert panel["datasource"] == {"type": source["type"], "uid": source["uid"]}, panel["title"]
        assert panel["targets"], panel["title"]
    ids = [panel["id"] for panel in _panels(dashboard()["panels"])]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path → the repository file or folder bind-mounted there (named volumes left out)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("./"):
            mounts[target] = ROOT / source
    return mounts


def test_the_monitoring_profile_adds_prometheus_and_grafana_only(compose: dict[str, Any]) -> None:
    services = compose["services"]
    monitoring = {name for name, s in services.items() if "monitoring" in s.get("profiles", [])}
    assert monitoring == {"prometheus", "grafana"}
    for name in ("postgres", "migrate", "bot"):  # `docker compose up` alone is unchanged
        assert "profiles" not in services[name]


def _bot_services(compose: dict[str, Any]) -> dict[str, int]:
    """Every long-running service of the bot's image that serves metrics: name → METRICS_PORT."""
    image = compose["services"]["bot"]["image"]
    return {
        name: int(service["environment"]["METRICS_PORT"])
        for name, service in compose["services"].items()
        if service.get("image") == image
        and "METRICS_PORT" in service.get("environment", {})
        and service.get("restart") != "no"  # not the one-shot `migrate`
    }


def test_prometheus_scrapes_every_bot_service(compose: dict[str, Any]) -> None:
    prometheus = compose["services"]["prometheus"]
    mounts = _mounts(prometheus)
    config_path = next(a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file="))
    assert mounts[config_path] == PROMETHEUS
    config = yaml.safe_load(PROMETHEUS.read_text())
    (scrape,) = config["scrape_configs"]
    assert scrape["job_name"] == "comfybot"  # the dashboard's process_* queries select job="comfybot"
    assert scrape.get("metrics_path", "/metrics") == "/metrics"
    scraped = {
        (name, sd["port"]) for sd in scrape["dns_sd_configs"] if sd["type"] == "A" for name in sd["names"]
    }
    services = _bot_services(compose)
    assert "bot" in services
    assert set(services.items()) <= scraped, "add the service's name (and port) to deploy/prometheus"
    assert all('job="comfybot"' in e for e in dashboard_exprs() if "process_" in e)


def test_prometheus_loads_the_alerts_and_they_watch_the_disk_the_backends_and_the_database(
    compose: dict[str, Any],
) -> None:
    mounts = _mounts(compose["services"]["prometheus"])
    rule_files = yaml.safe_load(PROMETHEUS.read_text())["rule_files"]
    assert [mounts[path] for path in rule_files] == [ALERTS]
    watched = set().union(*(metric_names(expr) for expr in alert_exprs()))
    assert {"up", "comfybot_disk_full", "comfybot_backend_up", "comfybot_database_up"} <= watched


def test_grafana_gets_the_dashboard_and_the_datasource(compose: dict[str, Any]) -> None:
    grafana = compose["services"]["grafana"]
    mounts = _mounts(grafana)
    assert mounts["/etc/grafana/provisioning"] == PROVISIONING
    (provider,) = yaml.safe_load((PROVISIONING / "dashboards" / "comfybot.yml").read_text())["providers"]
    dashboards = provider["options"]["path"]
    assert (mounts[dashboards] / DASHBOARD.name).is_file()
    (source,) = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())["datasources"]
    port = compose["services"]["prometheus"]["ports"][0].rsplit(":", 1)[1]
    assert source["url"] == f"http://prometheus:{port}"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{dashboards}/{DASHBOARD.name}"
    for service in ("prometheus", "grafana"):  # published on this host only, like the bot's own port
        assert all(p.startswith("127.0.0.1:") for p in compose["services"][service]["ports"])
