"""A server's failure-notice window shared by every process on one database (core.jobs.failure_notices).

One row per server and failure reason while a window is open: when it opened, and how many failures of that
reason were counted in it and not told yet. The process whose insert opened the window told the first
failure and is the one that tells the count when the window ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UtcDateTime


class FailureWindow(Base):
    __tablename__ = "failure_windows"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reason_key: Mapped[str] = mapped_column(Text, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    pending: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    def __repr__(self) -> str:
        return f"FailureWindow(guild_id={self.guild_id}, reason_key={self.reason_key!r})"
