"""How a ComfyClient waits, polls, reconnects and gives up: its timings, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from comfy.connection import ReconnectPolicy


@dataclass(frozen=True, slots=True)
class ClientSettings:
    request_timeout_s: float = 30.0
    connect_wait_s: float = 10.0  # how long submit waits for the websocket before giving up
    silence_timeout_s: float = 30.0  # no event for a prompt this long: poll /queue and /history for it
    poll_interval_s: float = 1.0
    history_grace_s: float = 2.0  # how long history may lag behind the end of a prompt
    # Consecutive websocket failures before in-flight prompts fail as BackendUnavailable: at the urgent
    # reconnect pace (prompts are waiting) about 5 s. A server that stays away that long has lost them (a
    # restart wipes its queue), and failing them lets the caller move them to a backend that answers.
    give_up_after_failures: int = 6
    cancel_timeout_s: float = 30.0
    cancel_recheck_s: float = 0.25
    max_waiting_previews: int = 8  # a consumer lagging further behind only gets the newest previews
    # A run's consumer is woken at most this often for progress (comfy.run.PromptRun); its start, a lost
    # server and its outcome still at once. 0: at every frame.
    progress_pace_s: float = 0.0
    # Read GET /queue whenever the server's queue changes, to tell each waiting prompt its place
    # (events.Queued): two or three requests per prompt. A caller that ignores those events turns it off.
    queue_positions: bool = True
    reconnect: ReconnectPolicy = field(default_factory=ReconnectPolicy)
