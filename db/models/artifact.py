"""A file a job produced (an image or a song), where it lives on disk and where it was posted."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, text_enum
from db.enums import ArtifactType
from db.types import BigIntegerId, JSONDocument, UtcDateTime, utcnow

if TYPE_CHECKING:
    from db.models.job import Job


class Artifact(Base):
    __tablename__ = "artifacts"

    id: Mapped[int] = mapped_column(BigIntegerId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(BigIntegerId, ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    type: Mapped[ArtifactType] = mapped_column(text_enum(ArtifactType, "artifact_type"))
    # Relative to DATA_DIR, so the data folder can move.
    path: Mapped[str] = mapped_column(String(500))
    preview_path: Mapped[str | None] = mapped_column(String(500))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # The seed document: everything needed to make this file again.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument, default=dict)
    # The image classifier's scores and verdict (core.safety.verdict.Verdict.document); None: not checked.
    safety: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    discord_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    attachment_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())

    job: Mapped[Job] = relationship(back_populates="artifacts")

    def __repr__(self) -> str:
        return f"Artifact(id={self.id}, job_id={self.job_id}, path={self.path!r})"
