"""The bot's settings: read from the environment and `.env`, never at import time.

The names here are a public contract (README, `.env.example`, docker-compose); tests check they agree.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr = Field(default=SecretStr(""), description="The bot's token (secret).")
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
    data_dir: Path = Field(default=Path("./data"), description="Artifacts and the SQLite database live here.")
    dev_guild_id: int | None = Field(default=None, description="Sync slash commands to this guild at start.")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR.")
    log_format: str = Field(default="console", description="console or json.")
    metrics_port: int | None = Field(default=None, description="Serve /metrics and /healthz on this port.")
    worker_id: str = Field(default="", description="Name of this worker process; empty means host:pid.")

    @field_validator("workflows_dir", "dev_guild_id", "metrics_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def comfyui_url_list(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.comfyui_urls.split(",") if url.strip()]
