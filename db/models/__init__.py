"""The tables. Importing this package registers every model on `Base.metadata`."""

from db.models.artifact import Artifact
from db.models.failure_window import FailureWindow
from db.models.guild_policy import GuildPolicy
from db.models.job import Job
from db.models.job_event import JobEvent
from db.models.job_input import JobInput
from db.models.moderation_record import ModerationRecord
from db.models.rest_budget import RestBudgetRow
from db.models.stored_workflow import StoredWorkflow
from db.models.user_preference import UserPreference

__all__ = [
    "Artifact",
    "FailureWindow",
    "GuildPolicy",
    "Job",
    "JobEvent",
    "JobInput",
    "ModerationRecord",
    "RestBudgetRow",
    "StoredWorkflow",
    "UserPreference",
]
