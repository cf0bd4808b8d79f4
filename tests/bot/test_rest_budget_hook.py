"""The seam between discord.py and the shared REST budget: which requests take from it."""

from __future__ import annotations

import discord
import pytest

from bot.rest_budget_hook import attach_rest_budget
from core.rest_budget.budget import MemoryBudgetStore, RestBudget
from core.rest_budget.rules import global_rate
from tests.discord_emulator import DiscordEmulator
from tests.discord_emulator.patching import patch_discord


async def test_bot_token_requests_take_from_the_budget_and_interaction_webhooks_do_not(
    discord_emulator: DiscordEmulator,
) -> None:
    store = MemoryBudgetStore()
    budget = RestBudget(store, token_key="t", global_rate=global_rate())
    client = discord.Client(intents=discord.Intents.none())
    attach_rest_budget(client, budget)
    with patch_discord(discord_emulator):
        async with client:
            await client.login(discord_emulator.token)
            after_login = budget.takes
            await client.application_info()
            assert budget.takes == after_login + 1
            assert "t:global" in store.tats

            # An interaction token's webhook (a worker editing a job's response): not under the global limit.
            webhook = discord.Webhook.partial(client.application_id or 1, "expired-token", client=client)
            with pytest.raises(discord.NotFound):
                await webhook.edit_message(1, content="done")
            assert budget.takes == after_login + 1

    assert after_login >= 1, "the log-in itself (GET /users/@me) took from the budget"
    assert discord_emulator.calls_matching("PATCH", r"^/webhooks/\d+/expired-token/messages/1$")
    # Each response's X-RateLimit-* headers reached the budget, under discord.py's route key.
    assert "t:GET /oauth2/applications/@me:" in store.routes
