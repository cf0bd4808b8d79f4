"""One line of a guild's moderation log: a refused, withheld or spoilered request (core.moderation).

Kept MODERATION_LOG_DAYS, then deleted by the retention sweep. No foreign key to the job: most entries are
refusals, made before any job exists, and an entry must outlive nothing it points to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, text_enum
from db.enums import ModerationAction
from db.types import BigIntegerId, UtcDateTime

RULE_MAX_CHARS = 100
EXCERPT_MAX_CHARS = 200


class ModerationRecord(Base):
    __tablename__ = "moderation_entries"
    __table_args__ = (
        # /settings log: a guild's newest first, by keyset on id.
        Index("ix_moderation_entries_guild_id_id", "guild_id", "id"),
        # The retention sweep.
        Index("ix_moderation_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigIntegerId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(RULE_MAX_CHARS))
    excerpt: Mapped[str] = mapped_column(Text)
    action: Mapped[ModerationAction] = mapped_column(text_enum(ModerationAction, "moderation_action"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"ModerationRecord(id={self.id}, guild_id={self.guild_id}, rule={self.rule!r})"
