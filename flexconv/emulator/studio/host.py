"""What Studio needs from the emulator: the shared services and narrow parts of Conversations and
Flex (their Python API, never their dictionaries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flexconv.emulator._host import Host
from flexconv.emulator.conversations.api import Conversation, Message, Participant
from flexconv.emulator.flex.api import Interaction


class ConversationsForStudio(Protocol):
    """The part of Conversations' Python API that Studio uses."""

    def participants_of(self, conv: Conversation) -> list[Participant]: ...

    def add_message(
        self,
        conv: Conversation,
        *,
        author: str | None = None,
        body: str | None = None,
        media_sids: Sequence[str] = (),
        attributes: Any = None,
        content_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Message: ...


class FlexForStudio(Protocol):
    """The part of Flex's Python API that Studio uses (Send to Flex)."""

    def configuration_value(self, key: str) -> Any: ...

    def create_interaction(
        self,
        channel: dict[str, Any],
        routing: dict[str, Any] | None = None,
        *,
        interaction_context_sid: str | None = None,
        webhook_ttid: str | None = None,
    ) -> Interaction: ...


class StudioHost(Host, Protocol):
    """What `Studio` needs from the emulator."""

    @property
    def conversations(self) -> ConversationsForStudio: ...

    @property
    def flex(self) -> FlexForStudio: ...
