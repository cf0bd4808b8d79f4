"""`python -m bot gateway|worker` and ROLE, SHARD_IDS, SHARD_COUNT: what a wrong choice says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.bot.cli.helpers import WELL_FORMED_TOKEN, bot_env, run_bot


@pytest.mark.parametrize("how", [["gateway"], ["worker"], ["run", "ROLE=worker"]])
async def test_gateway_and_worker_roles_refuse_sqlite_with_the_fix(tmp_path: Path, how: list[str]) -> None:
    settings = {"DISCORD_TOKEN": WELL_FORMED_TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db"}
    settings.update(dict(item.split("=", 1) for item in how[1:]))
    finished = await run_bot(how[:1], bot_env(**settings), tmp_path)
    assert finished.code == 2
    role = "gateway" if how == ["gateway"] else "worker"
    assert f"the {role} role needs PostgreSQL" in finished.stderr
    assert "postgresql+asyncpg://" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_shard_ids_take_lists_and_ranges() -> None:
    settings = Settings(_env_file=None, shard_ids="0-2, 5", shard_count=8)  # type: ignore[call-arg]
    assert settings.shard_id_list == [0, 1, 2, 5]
    assert Settings(_env_file=None).shard_id_list is None  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("shard_ids", "shard_count", "said"),
    [
        ("0,1", None, "SHARD_IDS needs SHARD_COUNT"),
        ("0,4", 4, "shards are numbered 0 to SHARD_COUNT - 1"),
        ("one", 4, "'one' is not a shard number"),
        ("3-1", 4, "a range goes upwards"),
    ],
)
def test_wrong_shards_are_a_settings_error(shard_ids: str, shard_count: int | None, said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        Settings(_env_file=None, shard_ids=shard_ids, shard_count=shard_count)  # type: ignore[call-arg]


def test_role_is_one_of_three() -> None:
    with pytest.raises(ValidationError, match="role"):
        Settings(_env_file=None, role="both")  # type: ignore[call-arg, arg-type]
