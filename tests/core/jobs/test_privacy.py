"""Whether a request is answered privately: the member's choice, or a private result's button, under the
guild's rule; the guild's "no" wins over both."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.jobs.guild_policies import GuildPolicies
from core.jobs.policy import PolicyCache
from core.jobs.privacy import ResultPrivacy
from core.jobs.scopes import personal_scope
from db.units.policies import PolicyStore
from db.units.preferences import PreferenceStore

GUILD, ALICE, BOB = 42, 101, 202


async def test_the_members_choice_applies_where_the_guild_allows_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    policies = PolicyCache(PolicyStore(sessionmaker))
    preferences = PreferenceStore(sessionmaker)
    privacy = ResultPrivacy(policies, preferences)
    await preferences.set_choices(ALICE, {"private_results": True})
    await preferences.set_choices(BOB, {"private_results": False})

    chosen = [await privacy.private(GUILD, who) for who in (ALICE, BOB, 303)]
    from_button = await privacy.private(GUILD, BOB, from_private=True)
    personal = await privacy.private(personal_scope(ALICE), ALICE)
    await GuildPolicies(policies).update(GUILD, {"private_results_allowed": False})
    forbidden = [await privacy.private(GUILD, ALICE), await privacy.private(GUILD, BOB, from_private=True)]

    assert chosen == [True, False, False], "nobody's results are private unless they chose it"
    assert from_button, "what is made from a private result is private"
    assert personal, "no guild forbids it outside the servers"
    assert forbidden == [False, False]
