"""The emulator's part that tells a test what happened: calls, messages, interactions, downloads; and
waits for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .gateway import Gateway
from .interaction_models import Interaction
from .models import Message
from .recorder import CallRecorder, RecordedCall, StateWatch
from .rest.context import RestContext
from .world import World


class Observing:
    """Mixed into DiscordEmulator, which sets these up."""

    world: World
    gateway: Gateway
    recorder: CallRecorder
    _rest: RestContext
    _watch: StateWatch

    @property
    def calls(self) -> list[RecordedCall]:
        return self.recorder.calls

    def calls_matching(self, method: str, path_regex: str) -> list[RecordedCall]:
        return self.recorder.matching(method, path_regex)

    @property
    def unknown_routes(self) -> list[RecordedCall]:
        return self.recorder.unknown_routes

    @property
    def messages(self) -> dict[int, list[Message]]:
        """Every message by channel id, oldest first, deleted and ephemeral ones included."""
        return self.world.messages

    def message(self, message_id: int) -> Message:
        found = self.world.message(message_id)
        if found is None:
            raise KeyError(f"no message {message_id}")
        return found

    def original_response(self, interaction: Interaction) -> Message:
        """The message the interaction's callback created (or, for components, the message it updated)."""
        if interaction.response_message_id is None:
            raise KeyError(
                f"interaction {interaction.id} has no response message (type {interaction.response_type})"
            )
        return self.message(interaction.response_message_id)

    def followups(self, interaction: Interaction) -> list[Message]:
        return [self.message(i) for i in interaction.followup_message_ids]

    def follow_ons(self, message: Message) -> list[Message]:
        """The live messages that answer `message`: replies to it, and followups of the interaction whose
        original response it is (their `interaction_metadata.original_response_message_id`)."""
        return [
            m
            for m in self.messages.get(message.channel_id, [])
            if not m.deleted
            and (
                m.referenced_message_id == message.id
                or (m.interaction_metadata or {}).get("original_response_message_id") == str(message.id)
            )
        ]

    @property
    def interactions(self) -> dict[int, Interaction]:
        return self.world.interactions

    @property
    def typing(self) -> list[int]:
        """Channel ids the bot showed "typing…" in, once per POST /channels/{id}/typing."""
        return self._rest.typing

    @property
    def cdn_downloads(self) -> list[int]:
        """Attachment ids the bot downloaded from the emulator's CDN, in order."""
        return self._rest.cdn_downloads

    @property
    def cdn_bytes_sent(self) -> dict[int, int]:
        """Attachment id -> bytes the CDN wrote on its last download (less than the size: the reader quit)."""
        return self._rest.cdn_bytes_sent

    # The brief's API takes a timeout; asyncio.timeout() around it would work the same.
    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Waits until predicate() is truthy, re-checking on every state change; returns its value."""
        return await self._watch.wait_for(predicate, timeout)

    async def wait_for_calls(
        self,
        method: str,
        path_regex: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Waits until at least `count` matching REST calls were made; returns all of them."""

        def enough() -> list[RecordedCall] | None:
            found = self.calls_matching(method, path_regex)
            return found if len(found) >= count else None

        result: list[RecordedCall] = await self.wait_for(enough, timeout)
        return result

    async def wait_until_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.wait_for(lambda: self.gateway.connected, timeout)
