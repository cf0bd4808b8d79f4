"""Discord error codes as a counter with a bounded number of labels."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from bot.metrics.discord_errors import OTHER, DiscordErrorCollector, DiscordErrorTally


def test_codes_beyond_the_cap_are_counted_as_other() -> None:
    tally = DiscordErrorTally(max_codes=3)
    for code in (50013, 10062, 50013, 429, 40060, 50035, 10062):
        tally.record(code)
    assert tally.counts() == {"50013": 2, "10062": 2, "429": 1, OTHER: 2}


def test_the_tally_is_exposed_as_a_prometheus_counter() -> None:
    tally = DiscordErrorTally()
    tally.record(50013)
    registry = CollectorRegistry()
    registry.register(DiscordErrorCollector(tally))
    text = generate_latest(registry).decode()
    assert "# TYPE comfybot_discord_api_errors_total counter" in text
    assert 'comfybot_discord_api_errors_total{code="50013"} 1.0' in text
