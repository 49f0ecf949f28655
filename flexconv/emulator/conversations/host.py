"""What Conversations needs from the emulator: the shared services, the 2010 Messages log and
Studio's trigger (their Python API, never their state)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from flexconv.emulator._host import Host

if TYPE_CHECKING:
    from flexconv.emulator.conversations.entities import Conversation, Message


class MessagesForConversations(Protocol):
    """The part of the Messages log's Python API that Conversations uses."""

    def record(
        self,
        *,
        direction: str,
        from_: str,
        to: str,
        body: str,
        num_media: int = 0,
        messaging_service_sid: str | None = None,
    ) -> Any: ...


class StudioForConversations(Protocol):
    """The part of Studio's Python API that Conversations uses (a conversation's Studio hook)."""

    def on_conversation_message(self, flow_sid: str, conv: Conversation, msg: Message) -> Any: ...


class ConversationsHost(Host, Protocol):
    """What `Conversations` needs from the emulator."""

    @property
    def messages(self) -> MessagesForConversations: ...

    @property
    def studio(self) -> StudioForConversations: ...

    def unlocked(self) -> AbstractContextManager[None]:
        """Release the state lock while a pre-action webhook waits for its answer."""
        ...
