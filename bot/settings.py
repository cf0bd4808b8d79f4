"""The bot's settings: read from the environment and `.env`, never at import time.

The names here are a public contract (README, `.env.example`, docker-compose); tests check they agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url

from core.inputs import InputLimits
from core.safety.checker import DEFAULT_VIDEO_FRAMES
from core.safety.verdict import DEFAULT_FLAGGED_LABELS, DEFAULT_THRESHOLD, Thresholds

DISCORD_API_DEFAULT = "https://discord.com/api/v10"
_INPUT_DEFAULTS = InputLimits()

# What one process does (bot.roles): everything, Discord's gateway only, or the queue only.
Role = Literal["all", "gateway", "worker"]
# Who keeps Discord's REST limits across processes (bot/cli/startup_rest_budget.py).
RestBudgetMode = Literal["auto", "database", "process"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr = Field(default=SecretStr(""), description="The bot's token (secret).")
    discord_api_url: str = Field(
        default=DISCORD_API_DEFAULT,
        description="Discord's REST API base; change it only to test against an emulator or a proxy.",
    )
    discord_gateway_url: str = Field(
        default="", description="Discord's gateway websocket; empty means discord.py's default (for testing)."
    )
    discord_rest_budget: RestBudgetMode = Field(
        default="auto",
        description="database: every process on the token shares Discord's REST limits through PostgreSQL; "
        "process: each keeps its own (discord.py's); auto: database on PostgreSQL unless DISCORD_API_URL "
        "points at a rate-limit proxy.",
    )
    discord_global_limit: int = Field(
        default=50, ge=1, description="Discord's global limit for the bot token, requests per second."
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./data/bot.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///... or postgresql+asyncpg://...",
    )
    comfyui_urls: str = Field(
        default="http://127.0.0.1:8188", description="Comma-separated base URLs of the ComfyUI backends."
    )
    comfyui_client_id: str = Field(
        default="",
        description="Stable websocket client id; empty means one is generated once and stored in DATA_DIR.",
    )
    workflows_dir: Path | None = Field(
        default=None, description="Optional folder of user API-format workflows."
    )
    bot_owner_ids: str = Field(
        default="",
        description="Comma-separated Discord user ids who may add and remove workflows for every server.",
    )
    data_dir: Path = Field(default=Path("./data"), description="Artifacts and the SQLite database live here.")
    dev_guild_id: int | None = Field(default=None, description="Sync slash commands to this guild at start.")
    # Checked here: an unknown level stopped the start with a traceback, an unknown format was the console's.
    log_level: str = Field(
        default="INFO", pattern="(?i)^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$", description="DEBUG, INFO, ..."
    )
    log_format: str = Field(default="console", pattern="^(console|json)$", description="console or json.")
    metrics_port: int | None = Field(default=None, ge=1, le=65535, description="Serve /metrics and /healthz.")
    worker_id: str = Field(
        default="", description="This worker's name in job leases; empty means the host name (stable)."
    )
    worker_lease_s: float = Field(
        default=60.0,
        ge=3,
        description="A worker renews its hold on its jobs and deliveries; one silent this long is taken "
        "over by another (its jobs re-attached, its results delivered).",
    )
    role: Role = Field(
        default="all",
        description="all: one process does everything; gateway: Discord events and commands only; "
        "worker: the queue and ComfyUI only (both need PostgreSQL). Or `python -m bot gateway|worker`.",
    )
    shard_ids: str = Field(
        default="", description="The gateway shards this process holds, e.g. 0,1 or 0-3; empty: all of them."
    )
    shard_count: int | None = Field(
        default=None, ge=1, description="How many shards the bot has in all; empty: Discord's recommendation."
    )
    job_timeout_s: float = Field(default=900.0, gt=0, description="A job running longer is stopped.")
    kind_job_timeout_s: str = Field(
        default="",
        description="Per kind, e.g. video=1800,image=600: replaces JOB_TIMEOUT_S and the kind's own.",
    )
    kind_max_running_per_user: str = Field(
        default="",
        description="Per kind, e.g. video=1: how many a member may have running at once (video: 1).",
    )
    prequeue_depth: int = Field(
        default=1,
        ge=0,
        le=4,
        description="Prompts kept waiting on each ComfyUI backend beyond the running one.",
    )
    quiet_below_s: float = Field(
        default=0.5,
        ge=0,
        le=2,
        description="A job its backend ran faster than this is posted without progress frames (0: never).",
    )

    enabled_kinds: str = Field(
        default="",
        description="Comma-separated kinds of job to offer (image, song); empty: all a backend can run.",
    )
    shutdown_grace_s: float = Field(
        default=8.0,
        ge=0,
        description="On SIGTERM or Ctrl-C, results being delivered get this many seconds to finish.",
    )
    deleted_files_grace_s: float = Field(
        default=86_400.0,
        ge=0,
        description="A deleted result's files stay in DATA_DIR this many seconds, then are removed.",
    )
    moderation_log_days: float = Field(
        default=30.0,
        gt=0,
        description="Refused and withheld requests stay in a server's moderation log this many days.",
    )
    input_max_bytes: int = Field(
        default=_INPUT_DEFAULTS.max_bytes,
        ge=1,
        description="A picture or sound file given to a job may weigh this many bytes (read up to it only).",
    )
    input_max_pixels: int = Field(
        default=_INPUT_DEFAULTS.max_pixels,
        ge=1,
        description="A picture given may have this many pixels (refused from its header, before decoding).",
    )
    input_max_seconds: float = Field(
        default=_INPUT_DEFAULTS.max_seconds,
        gt=0,
        description="A sound file or video given may last this many seconds.",
    )

    personal_max_running: int = Field(
        default=1,
        ge=1,
        description="Someone using the app installed to their own account (a DM, a server without the "
        "bot): their jobs running at once.",
    )
    personal_max_queued: int = Field(
        default=3, ge=1, description="Their jobs waiting at once, outside the servers the bot is in."
    )
    personal_rate_capacity: int = Field(
        default=5,
        ge=0,
        description="Their requests in a burst outside the servers the bot is in; 0 turns that use off.",
    )
    personal_rate_per_minute: float = Field(
        default=2.0, ge=0, description="How fast their burst refills, in requests per minute."
    )

    safety_classifier: str = Field(
        default="nudenet",
        pattern="^(nudenet|off)$",
        description="nudenet: check results and input pictures if the safety extra is installed; off: never.",
    )
    safety_threshold: float = Field(
        default=DEFAULT_THRESHOLD, gt=0, le=1, description="A counted label at this score or above flags."
    )
    safety_labels: str = Field(
        default=",".join(DEFAULT_FLAGGED_LABELS),
        description="Comma-separated classifier labels that flag a picture.",
    )
    safety_video_frames: int = Field(
        default=DEFAULT_VIDEO_FRAMES, ge=1, le=32, description="Frames of a video result the classifier sees."
    )

    @field_validator("kind_job_timeout_s")
    @classmethod
    def _kind_timeouts_read(cls, value: str) -> str:
        _per_kind(value, float)
        return value

    @field_validator("kind_max_running_per_user")
    @classmethod
    def _kind_caps_read(cls, value: str) -> str:
        _per_kind(value, int)  # a count: "video=1.5" is a settings error, not a crash when first read
        return value

    @field_validator("bot_owner_ids")
    @classmethod
    def _owner_ids_are_numbers(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            if part and not part.isdigit():
                raise ValueError(f"'{part}' is not a Discord user id (a number)")
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shard_ids_read(cls, value: str) -> str:
        _shard_list(value)
        return value

    @model_validator(mode="after")
    def _shards_within_count(self) -> Settings:
        ids = _shard_list(self.shard_ids)
        if ids and self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (how many shards the bot has in all)")
        if ids and self.shard_count is not None and max(ids) >= self.shard_count:
            raise ValueError(f"SHARD_IDS has {max(ids)}, but shards are numbered 0 to SHARD_COUNT - 1")
        return self

    @property
    def shard_id_list(self) -> list[int] | None:
        """SHARD_IDS as numbers (None: every shard of SHARD_COUNT, or of Discord's recommendation)."""
        return _shard_list(self.shard_ids) or None

    @field_validator("workflows_dir", "dev_guild_id", "metrics_port", "shard_count", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def database_password(self) -> str:
        return make_url(self.database_url).password or ""

    @property
    def enabled_kind_list(self) -> tuple[str, ...] | None:
        """ENABLED_KINDS as names (None when empty: every kind some ComfyUI backend can run)."""
        names = tuple(name.strip().lower() for name in self.enabled_kinds.split(",") if name.strip())
        return names or None

    @property
    def kind_timeouts_s(self) -> dict[str, float]:
        return {kind: float(value) for kind, value in _per_kind(self.kind_job_timeout_s, float).items()}

    @property
    def kind_running_caps(self) -> dict[str, int]:
        return {kind: int(value) for kind, value in _per_kind(self.kind_max_running_per_user, int).items()}

    @property
    def input_limits(self) -> InputLimits:
        return InputLimits(self.input_max_bytes, self.input_max_pixels, self.input_max_seconds)

    @property
    def safety_thresholds(self) -> Thresholds:
        labels = frozenset(label.strip().upper() for label in self.safety_labels.split(",") if label.strip())
        return Thresholds(self.safety_threshold, labels)

    @property
    def bot_owner_id_set(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.bot_owner_ids.split(",") if part.strip())

    @property
    def comfyui_url_list(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.comfyui_urls.split(",") if url.strip()]


def _shard_list(text: str) -> list[int]:
    """``0,1`` or ``0-3,8`` as sorted shard ids; ValueError (a settings error) for anything else."""
    ids: set[int] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        first, _, last = item.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise ValueError(f"'{item}' is not a shard number or a range like 0-3") from None
        if low < 0 or high < low:
            raise ValueError(f"'{item}': shard numbers start at 0, a range goes upwards")
        ids.update(range(low, high + 1))
    return sorted(ids)


def _per_kind(text: str, number: type[float] | type[int]) -> dict[str, float]:
    """``video=1800, image=600`` as {kind: value}; ValueError (a settings error) for anything else."""
    values: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        kind, _, raw = item.partition("=")
        try:
            value = number(raw.strip())
        except ValueError:
            raise ValueError(f"'{item}' is not kind=number (e.g. video=1800)") from None
        if value <= 0:
            raise ValueError(f"'{item}': the number must be above 0")
        values[kind.strip().lower()] = value
    return values
