"""A workflow added from Discord: its API-format graph, its sidecar, who added it and where it may be used.

A removed workflow keeps its row (``removed_at`` set): jobs queued on it still run (they carry the graph they
were bound to) and are still routed to the backends able to run it, which the graph tells.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import JSONDocument, UtcDateTime, utcnow


class StoredWorkflow(Base):
    __tablename__ = "stored_workflows"
    __table_args__ = (
        Index("ix_stored_workflows_name", "name"),
        # Names are unique among the workflows offered in one scope, every guild or one guild (two members
        # adding the same name at once: one wins).
        Index(
            "uq_stored_workflows_offered_name",
            "name",
            unique=True,
            postgresql_where=text("removed_at IS NULL AND guild_id IS NULL"),
            sqlite_where=text("removed_at IS NULL AND guild_id IS NULL"),
        ),
        Index(
            "uq_stored_workflows_offered_guild_name",
            "guild_id",
            "name",
            unique=True,
            postgresql_where=text("removed_at IS NULL AND guild_id IS NOT NULL"),
            sqlite_where=text("removed_at IS NULL AND guild_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    # None: every guild may use it (only a bot owner adds those).
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    graph: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    sidecar: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # sha256 of the graph's canonical JSON (and its sidecar's), as comfy.workflows.template computes it.
    version: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"StoredWorkflow(id={self.id}, name={self.name!r}, guild_id={self.guild_id})"
