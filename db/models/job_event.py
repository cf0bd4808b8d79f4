"""One step of a job's life (queued, started, progress, failed, delivered...), kept for the record."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.types import BigIntegerId, JSONDocument, UtcDateTime, utcnow

if TYPE_CHECKING:
    from db.models.job import Job


class JobEvent(Base):
    __tablename__ = "job_events"
    __table_args__ = (Index("ix_job_events_job_life", "job_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntegerId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(BigIntegerId, ForeignKey("jobs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())
    kind: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    job: Mapped[Job] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"JobEvent(id={self.id}, job_id={self.job_id}, kind={self.kind!r})"
