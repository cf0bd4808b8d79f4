"""Settings that cannot be loaded, said in the names the operator typed (`JOB_TIMEOUT_S`, not a traceback)."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError

URL_SHAPE = "postgresql+asyncpg://user:password@host:5432/dbname or sqlite+aiosqlite:///./data/bot.db"


def describe_settings_problem(error: ValidationError | ArgumentError) -> str:
    if isinstance(error, ArgumentError):
        return f"DATABASE_URL is not a database URL; it must look like {URL_SHAPE}\n"
    lines = ["The settings cannot be loaded (environment or .env):"]
    for problem in error.errors():
        name = "_".join(str(part) for part in problem["loc"]).upper() or "(settings)"
        lines.append(f"  {name}: {problem['msg']}")
    return "\n".join(lines) + "\n"
