"""What one Discord user chose for themselves, in every guild: their defaults for new jobs, whether a
finished job pings them, whether their results are private. None (or empty) everywhere: no choice made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import JSONDocument, UtcDateTime, utcnow


class UserPreference(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # None: as the guild says (GuildPolicy.ping_when_done).
    ping_when_done: Mapped[bool | None] = mapped_column(Boolean)
    # Image defaults, under any option or flag the request itself gives.
    aspect_ratio: Mapped[str | None] = mapped_column(String(16))
    quality: Mapped[str | None] = mapped_column(String(16))
    style_tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list, server_default=text("'[]'"))
    # Kind of job -> workflow name.
    workflows: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict, server_default=text("'{}'"))
    # None or False: results are posted for the channel to see.
    private_results: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"UserPreference(user_id={self.user_id})"
