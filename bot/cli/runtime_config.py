"""From the bot's settings to the core runtime's configuration (one place, used by run, generate, check)."""

from __future__ import annotations

import asyncio
import socket
from typing import TypeVar

from bot.cli.startup_failure import StartupFailure
from bot.runtime import RuntimeConfig
from bot.settings import Role, Settings
from comfy.client_id import load_or_create_client_id
from core.jobs.queue_settings import QueueSettings
from core.kinds import KindRegistry, default_kinds
from core.moderation.settings import ModerationSettings
from core.queue.limits import GuildLimits
from core.safety.checker import SafetyConfig
from core.safety.classifier import ClassifierChoice, SafetyOff
from core.safety.nudenet import load_nudenet

V = TypeVar("V")


async def runtime_config(settings: Settings, role: Role = "all") -> RuntimeConfig:
    # Stable across restarts on one host, so a restarted bot finds the jobs it leased (see README: scaling).
    # A gateway and a worker on one host get different names: each ignores the messages it sent itself.
    worker_id = settings.worker_id or socket.gethostname() + ("" if role == "all" else f"-{role}")
    # One websocket client id per worker: ComfyUI mutes an older socket that reuses an id.
    client_id = settings.comfyui_client_id or await asyncio.to_thread(
        load_or_create_client_id, settings.data_dir / f"comfyui_client_id.{_file_safe(worker_id)}"
    )
    kinds = default_kinds()
    return RuntimeConfig(
        database_url=settings.database_url,
        comfyui_urls=settings.comfyui_url_list,
        data_dir=settings.data_dir,
        client_id=client_id,
        queue=QueueSettings(
            worker_id=worker_id,
            lease_s=settings.worker_lease_s,
            job_timeout_s=settings.job_timeout_s,
            kind_timeouts_s=_known_kinds(settings.kind_timeouts_s, kinds, "KIND_JOB_TIMEOUT_S"),
            kind_running_caps=_known_kinds(settings.kind_running_caps, kinds, "KIND_MAX_RUNNING_PER_USER"),
            prequeue_depth=settings.prequeue_depth,
            quiet_below_s=settings.quiet_below_s,
            shutdown_grace_s=settings.shutdown_grace_s,
        ),
        workflows_dir=settings.workflows_dir,
        deleted_files_grace_s=settings.deleted_files_grace_s,
        kinds=kinds,
        enabled_kinds=enabled_kinds(settings, kinds),
        input_limits=settings.input_limits,
        moderation=ModerationSettings(keep_days=settings.moderation_log_days),
        personal_limits=GuildLimits(
            max_running_per_user=settings.personal_max_running,
            max_queued_per_user=settings.personal_max_queued,
            rate_capacity=settings.personal_rate_capacity,
            rate_per_minute=settings.personal_rate_per_minute,
        ),
        safety=await safety_config(settings),
        freeze_boot_heap=True,
    )


async def safety_config(settings: Settings) -> SafetyConfig:
    """SAFETY_*: the classifier loaded (in a thread: onnxruntime and OpenCV take a moment to import), or
    why none runs."""
    choice: ClassifierChoice = SafetyOff("SAFETY_CLASSIFIER is off")
    if settings.safety_classifier != "off":
        choice = await asyncio.to_thread(load_nudenet)
    return SafetyConfig(choice, settings.safety_thresholds, settings.safety_video_frames)


def enabled_kinds(settings: Settings, kinds: KindRegistry) -> tuple[str, ...] | None:
    """ENABLED_KINDS, every name a kind this bot knows (StartupFailure names the one it does not)."""
    names = settings.enabled_kind_list
    for name in names or ():
        if name not in kinds:
            raise StartupFailure(
                f"ENABLED_KINDS names '{name}', which is not a kind of job this bot makes",
                f"list some of: {', '.join(kinds.kinds)} (or leave it empty for every kind a backend runs)",
            )
    return names


def _known_kinds(values: dict[str, V], kinds: KindRegistry, setting: str) -> dict[str, V]:
    for name in values:
        if name not in kinds:
            raise StartupFailure(
                f"{setting} names '{name}', which is not a kind of job this bot makes",
                f"use some of: {', '.join(kinds.kinds)}",
            )
    return values


def _file_safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:64]
