"""What Flex needs from the emulator: the shared services and narrow parts of Conversations and
TaskRouter (their Python API, never their dictionaries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flexconv.emulator._host import Host
from flexconv.emulator.conversations.api import Conversation, Participant
from flexconv.emulator.taskrouter.api import Task


class ConversationsForFlex(Protocol):
    """The part of Conversations' Python API that Flex uses."""

    @property
    def chat_service_sid(self) -> str: ...

    @property
    def messaging_service_sid(self) -> str: ...

    @property
    def agent_role_sid(self) -> str: ...

    def find(self, sid: str) -> Conversation | None: ...

    def participants_of(self, conv: Conversation) -> list[Participant]: ...

    def find_participant(self, conv: Conversation, participant_sid: str) -> Participant | None: ...

    def get_participant(self, conv: Conversation, sid_or_identity: str) -> Participant: ...

    def open_binding(
        self, address: str, proxy_address: str | None
    ) -> tuple[Conversation, Participant] | None: ...

    def create(
        self,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: Any = None,
        state: str | None = None,
        timers_inactive: str | None = None,
        timers_closed: str | None = None,
        messaging_service_sid: str | None = None,
        email_binding: dict[str, str] | None = None,
        hooks: bool = False,
        source: str = "API",
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Conversation: ...

    def add_participant(
        self,
        conv: Conversation,
        *,
        identity: str | None = None,
        address: str | None = None,
        proxy_address: str | None = None,
        projected_address: str | None = None,
        attributes: Any = None,
        role_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Participant: ...

    def remove_participant(
        self, conv: Conversation, p: Participant, *, hooks: bool = False, source: str = "API"
    ) -> None: ...

    def remove_studio_webhooks(self, conv: Conversation) -> None: ...

    def set_state(
        self,
        conv: Conversation,
        state: str,
        *,
        hooks: bool = True,
        source: str = "API",
        reason: str = "API",
    ) -> None: ...

    def close(
        self, conv: Conversation, *, hooks: bool = True, source: str = "API", reason: str = "API"
    ) -> None: ...


class TaskRouterForFlex(Protocol):
    """The part of TaskRouter's Python API that Flex uses."""

    def get_task(self, workspace_sid: str, task_sid: str) -> Task: ...

    def create_task(
        self,
        workspace_sid: str,
        *,
        attributes: dict[str, Any],
        workflow_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
    ) -> Task: ...

    def create_direct_task(
        self,
        workspace_sid: str,
        *,
        attributes: dict[str, Any],
        task_queue_sid: str | None = None,
        worker_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
    ) -> Task: ...

    def update_task(
        self,
        workspace_sid: str,
        task_sid: str,
        *,
        assignment_status: str | None = None,
        reason: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> Task: ...


class FlexHost(Host, Protocol):
    """What `Flex` needs from the emulator."""

    @property
    def conversations(self) -> ConversationsForFlex: ...

    @property
    def taskrouter(self) -> TaskRouterForFlex: ...
