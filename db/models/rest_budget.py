"""The Discord REST budget shared by every process on one bot token (db/rest_budget.py keeps it).

One row per key: the bot token's global rate, a channel's progress edits (GCRA: `tat`), or a route bucket
as Discord last reported it (`remaining`, `reset_at`). Times are epoch seconds on the database's clock, so
processes on several machines agree without synchronised clocks. UNLOGGED on PostgreSQL: the rows are
worth nothing after a crash and need no write-ahead log.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Double, Integer, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RestBudgetRow(Base):
    __tablename__ = "rest_budget"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    tat: Mapped[float | None] = mapped_column(Double)
    remaining: Mapped[int | None] = mapped_column(Integer)
    reset_at: Mapped[float] = mapped_column(Double, server_default=text("0"))
    window_s: Mapped[float] = mapped_column(Double, server_default=text("0"))
    bucket_limit: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # Whether the last take was granted: the one statement that takes reports it through RETURNING.
    granted: Mapped[bool] = mapped_column(Boolean, server_default=true())

    def __repr__(self) -> str:
        return f"RestBudgetRow(key={self.key!r})"
