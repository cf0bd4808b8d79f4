"""Persistence: SQLAlchemy 2.0 async models, repositories that never commit, and alembic migrations.

Typical start-up: `await ensure_schema(url)`, then `engine = create_engine(url)` and
`sessions = create_sessionmaker(engine)`; each unit of work is `async with sessions.begin() as session:`.
"""

from db.engine import create_engine, create_sessionmaker
from db.enums import ArtifactType, DeliveryState, JobStatus, RegeneratePermission
from db.migrate import SchemaOutdated, SchemaTooNew, ensure_schema, schema_is_current, upgrade_to_head
from db.models import Artifact, GuildPolicy, Job, JobEvent
from db.repositories import (
    ActiveCounts,
    ArtifactRepository,
    GuildPolicyRepository,
    HistoryRows,
    JobEventRepository,
    JobRepository,
)
from db.schemas import ArtifactCreate, GuildPolicyUpdate, InvalidInput, JobCreate

__all__ = [
    "ActiveCounts",
    "Artifact",
    "ArtifactCreate",
    "ArtifactRepository",
    "ArtifactType",
    "DeliveryState",
    "GuildPolicy",
    "GuildPolicyRepository",
    "GuildPolicyUpdate",
    "HistoryRows",
    "InvalidInput",
    "Job",
    "JobCreate",
    "JobEvent",
    "JobEventRepository",
    "JobRepository",
    "JobStatus",
    "RegeneratePermission",
    "SchemaOutdated",
    "SchemaTooNew",
    "create_engine",
    "create_sessionmaker",
    "ensure_schema",
    "schema_is_current",
    "upgrade_to_head",
]
