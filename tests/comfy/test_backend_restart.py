"""A ComfyUI server killed and restarted on the same port, with the client's real (default) reconnect policy.

The deadlines are the product's promise to a self-hoster (issue 12, item 2): the backend is down the moment
its socket drops, and while prompts wait on it, it is back within about a second of answering again.
"""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from typing import Any

import pytest

from comfy import errors, events
from comfy.client import ClientSettings, ComfyClient
from comfy.connection import ReconnectPolicy
from comfy.pool import ComfyPool
from tests.comfy.conftest import ClientFactory
from tests.comfy.test_client_recovery import first_progress, long_sampler

# What a deployment runs with: only the HTTP timeouts are shortened so a dead port fails fast.
REAL = replace(ClientSettings(), request_timeout_s=5.0, connect_wait_s=5.0)
ANSWER_AGAIN_WITHIN_S = 2.0  # from the server answering again to the backend usable and the prompt settled


def as_overrides(settings: ClientSettings) -> dict[str, Any]:
    return {field.name: getattr(settings, field.name) for field in fields(settings)}


class ConnectionLog:
    """Every connect (True) and every drop or failed attempt (False), in order, with a wake-up per entry."""

    def __init__(self, client: ComfyClient) -> None:
        self.states: list[bool] = []
        self._changed = asyncio.Event()
        client.add_connection_listener(self._record)

    def _record(self, connected: bool) -> None:
        self.states.append(connected)
        self._changed.set()

    async def failures(self, count: int) -> None:
        """Wait until `count` drops or failed attempts were seen in a row."""
        while len(self.states) < count or any(self.states[-count:]):
            self._changed.clear()
            await self._changed.wait()


async def healthy_again(pool: ComfyPool, name: str) -> None:
    while not pool.health[name].healthy:
        await pool.health_changed()


@pytest.mark.timeout(60)
async def test_a_backend_is_down_the_moment_its_socket_drops(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, **as_overrides(REAL))
    pool = ComfyPool([client])  # the health check runs every 15 s: it is not what notices
    await pool.check_health()
    run = await client.submit(long_sampler(), "restart-down")
    await first_progress(run)
    assert pool.health[client.name].healthy

    loop = asyncio.get_running_loop()
    killed_at = loop.time()
    changed = asyncio.ensure_future(pool.health_changed())
    await fake_comfy.kill()
    await asyncio.wait_for(changed, timeout=ANSWER_AGAIN_WITHIN_S)

    assert not pool.health[client.name].healthy
    assert "websocket closed" in pool.health[client.name].detail
    # The kill itself takes a moment; the backend is marked down as soon as the socket is gone.
    assert loop.time() - killed_at < 1.0


@pytest.mark.timeout(60)
async def test_a_restarted_backend_is_usable_and_its_lost_prompt_settled_within_2_s_of_answering(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, **as_overrides(REAL))
    pool = ComfyPool([client])
    await pool.check_health()
    attempts = ConnectionLog(client)
    run = await client.submit(long_sampler(), "restart-lost")
    await first_progress(run)

    await fake_comfy.kill()
    # Drop plus three refused attempts: the default backoff would now wait 4 s, then 8 s.
    await attempts.failures(4)
    await fake_comfy.restart()
    loop = asyncio.get_running_loop()
    answering_at = loop.time()

    await healthy_again(pool, client.name)
    back_after_s = loop.time() - answering_at
    with pytest.raises(errors.PromptLost):
        await run.result(timeout_s=ANSWER_AGAIN_WITHIN_S)
    settled_after_s = loop.time() - answering_at

    assert back_after_s <= ANSWER_AGAIN_WITHIN_S
    assert settled_after_s <= ANSWER_AGAIN_WITHIN_S


@pytest.mark.timeout(60)
async def test_jobs_starting_to_wait_cut_a_long_reconnect_backoff_short(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    slow = replace(REAL, reconnect=ReconnectPolicy(base_delay_s=8.0))
    client = await make_client(fake_comfy.url, **as_overrides(slow))
    pool = ComfyPool([client])
    await pool.check_health()
    attempts = ConnectionLog(client)

    await fake_comfy.kill()  # nothing waits on it: the client reconnects at its leisure (8 s, 16 s...)
    await attempts.failures(1)
    await fake_comfy.restart()
    loop = asyncio.get_running_loop()
    answering_at = loop.time()
    pool.jobs_waiting(True)

    await asyncio.wait_for(healthy_again(pool, client.name), timeout=ANSWER_AGAIN_WITHIN_S + 1)
    assert loop.time() - answering_at <= ANSWER_AGAIN_WITHIN_S


@pytest.mark.timeout(60)
async def test_prompts_in_flight_hear_at_once_that_their_backend_went_away(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, **as_overrides(REAL))
    run = await client.submit(long_sampler(), "restart-told")
    await first_progress(run)

    await fake_comfy.kill()

    async def first_setback() -> events.PromptEvent:
        async for event in run:
            if isinstance(event, events.BackendAway):
                return event
        raise AssertionError("the run ended without saying its backend went away")

    assert await asyncio.wait_for(first_setback(), timeout=ANSWER_AGAIN_WITHIN_S) == events.BackendAway(
        "restart-told"
    )


async def test_a_health_change_right_after_asking_is_not_missed(http_session: Any) -> None:
    client = ComfyClient(http_session, "http://127.0.0.1:9", "nobody")  # never started: no socket
    pool = ComfyPool([client])
    changed = pool.health_changed()

    pool.mark(client.name, True, "ok")  # before the waiting even begins

    await asyncio.wait_for(changed, timeout=ANSWER_AGAIN_WITHIN_S)
    assert pool.health[client.name].healthy
