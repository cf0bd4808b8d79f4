"""A guild's rules: where the bot answers, who may use it, how much, and with which workflows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, Integer, String, false, func, text, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, text_enum
from db.enums import RegeneratePermission, SafetyMode
from db.types import JSONDocument, UtcDateTime, utcnow

DEFAULT_MAX_RUNNING = 3
DEFAULT_MAX_QUEUED = 10
DEFAULT_RATE_CAPACITY = 30
DEFAULT_RATE_REFILL_PER_MINUTE = 30.0


class GuildPolicy(Base):
    __tablename__ = "guild_policies"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Empty lists mean "no restriction".
    allowed_channel_ids: Mapped[list[int]] = mapped_column(JSONDocument, default=list)
    allowed_role_ids: Mapped[list[int]] = mapped_column(JSONDocument, default=list)
    max_running_per_user: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_MAX_RUNNING, server_default=text(str(DEFAULT_MAX_RUNNING))
    )
    max_queued_per_user: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_MAX_QUEUED, server_default=text(str(DEFAULT_MAX_QUEUED))
    )
    # Token bucket per guild: `rate_capacity` requests at once, refilled at `rate_refill_per_minute`.
    rate_capacity: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_RATE_CAPACITY, server_default=text(str(DEFAULT_RATE_CAPACITY))
    )
    rate_refill_per_minute: Mapped[float] = mapped_column(
        Float,
        default=DEFAULT_RATE_REFILL_PER_MINUTE,
        server_default=text(str(DEFAULT_RATE_REFILL_PER_MINUTE)),
    )
    default_image_workflow: Mapped[str | None] = mapped_column(String(100))
    default_song_workflow: Mapped[str | None] = mapped_column(String(100))
    blocked_words: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Models and LoRAs members may choose, by file name (empty: whatever a backend offers).
    allowed_models: Mapped[list[str]] = mapped_column(JSONDocument, default=list, server_default=text("'[]'"))
    allowed_loras: Mapped[list[str]] = mapped_column(JSONDocument, default=list, server_default=text("'[]'"))
    nsfw_channels_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    regenerate_permission: Mapped[RegeneratePermission] = mapped_column(
        text_enum(RegeneratePermission, "regenerate_permission"),
        default=RegeneratePermission.REQUESTER,
        server_default=RegeneratePermission.REQUESTER.value,
    )
    # A member is pinged when their job ends, unless they chose otherwise (UserPreference).
    ping_when_done: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Where each moderation log entry is also posted (None: only /settings log lists them).
    moderation_log_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # Members who chose private results (UserPreference) get them here; off, every reply is public.
    private_results_allowed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # What happens to a result the image classifier flags (core.safety.policy); off until a manager chooses.
    safety_mode: Mapped[SafetyMode] = mapped_column(
        text_enum(SafetyMode, "safety_mode"), default=SafetyMode.OFF, server_default=SafetyMode.OFF.value
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"GuildPolicy(guild_id={self.guild_id})"
