"""`python -m bot migrate`: upgrade the database schema to the newest version."""

from __future__ import annotations

import logging

from bot.settings import Settings
from db.migrate import current_revisions, upgrade_to_head

log = logging.getLogger(__name__)


async def migrate(settings: Settings) -> int:
    before = await current_revisions(settings.database_url)
    await upgrade_to_head(settings.database_url)
    after = await current_revisions(settings.database_url)
    log.info("database schema: %s -> %s", ",".join(sorted(before)) or "empty", ",".join(sorted(after)))
    return 0
