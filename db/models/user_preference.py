"""What one Discord user chose for themselves, in every guild: for now, whether a finished job pings them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UtcDateTime, utcnow


class UserPreference(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # None: as the guild says (GuildPolicy.ping_when_done).
    ping_when_done: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"UserPreference(user_id={self.user_id})"
