"""A file a job takes in (a picture to edit, a song to cover): what decoding showed, where it came from, and
where its bytes are kept so it can be uploaded again to any backend."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, text_enum
from db.enums import InputMedia, InputSource
from db.types import BigIntegerId, UtcDateTime, utcnow


class JobInput(Base):
    __tablename__ = "job_inputs"
    # One file per workflow slot ("image", "mask", "audio") of a job.
    __table_args__ = (UniqueConstraint("job_id", "role"),)

    id: Mapped[int] = mapped_column(BigIntegerId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(BigIntegerId, ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    media: Mapped[InputMedia] = mapped_column(text_enum(InputMedia, "input_media"))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # Relative to DATA_DIR, so the data folder can move.
    path: Mapped[str] = mapped_column(String(500))
    # As the user named it: shown back to them, never used to decide what the file is.
    declared_name: Mapped[str] = mapped_column(String(255))
    source: Mapped[InputSource] = mapped_column(text_enum(InputSource, "input_source"))
    # The attachment URL or message link it was fetched from, if any.
    source_url: Mapped[str | None] = mapped_column(Text)
    # The job whose result this input is (Vary, Upscale, Remix, a reply): every job links back to its source.
    source_job_id: Mapped[int | None] = mapped_column(
        BigIntegerId, ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"JobInput(id={self.id}, job_id={self.job_id}, role={self.role!r}, path={self.path!r})"
