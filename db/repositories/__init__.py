"""Repositories: each takes an AsyncSession, flushes when it needs ids, and never commits."""

from db.repositories.artifacts import ArtifactRepository
from db.repositories.guild_policies import GuildPolicyRepository
from db.repositories.job_events import JobEventRepository
from db.repositories.job_inputs import JobInputRepository
from db.repositories.jobs import ActiveCounts, HistoryRows, JobRepository

__all__ = [
    "ActiveCounts",
    "ArtifactRepository",
    "GuildPolicyRepository",
    "HistoryRows",
    "JobEventRepository",
    "JobInputRepository",
    "JobRepository",
]
