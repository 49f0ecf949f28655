"""What every lifecycle engine shares: re-reading tasks, conversations and participants before
acting, posting a message once, closing a conversation that may already be closed.

Every step re-reads the state it acts on first (the task, the reservation, the conversation and
its participants), so a duplicate or late event, or a second receiver doing the same, finds the
work done and does nothing; "already in that state" is success, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import APIStatusError, NotFoundError, ValidationError
from flexconv.lifecycle.rules import OPEN_TASK_STATUSES

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv.models.conversations import Participant
    from flexconv.models.routing import Task

__all__ = ["MARKER", "EngineBase", "conversation_of", "status_of"]

#: Message attribute marking what a policy posted, so a repeated step does not post twice.
MARKER = "flexconvLifecycle"


def status_of(value: object) -> str:
    """A status enum (or ``None``) as plain text (``""`` for ``None``)."""
    return str(value) if value is not None else ""


def conversation_of(attributes: Mapping[str, Any] | None) -> str | None:
    """The ``conversationSid`` task attribute, when it names a conversation."""
    sid = (attributes or {}).get("conversationSid")
    return sid if isinstance(sid, str) and sid.startswith("CH") else None


class EngineBase:
    """The client and the re-reads every engine uses."""

    def __init__(self, client: AsyncFlexConv) -> None:
        if client is None:
            raise ValidationError(
                "The lifecycle policies act through a flexconv client: "
                "Receiver(..., client=FlexConv(...)) or pass one here"
            )
        self.client = client

    async def _task(self, task_sid: str | None, workspace_sid: str | None) -> Task | None:
        if not task_sid:
            return None
        try:
            return await self.client.routing.tasks.fetch(task_sid, workspace_sid=workspace_sid)
        except NotFoundError:
            return None

    async def _open_tasks(
        self, conversation_sid: str, workspace_sid: str | None, *, besides: str | None = None
    ) -> list[Task]:
        tasks = await self.client.routing.tasks.list(
            assignment_status=list(OPEN_TASK_STATUSES),
            evaluate_task_attributes=f'conversationSid == "{conversation_sid}"',
            workspace_sid=workspace_sid,
        ).to_list()
        return [t for t in tasks if t.sid != besides]

    async def _open_conversation(self, conversation_sid: str | None) -> Any:
        if not conversation_sid:
            return None
        try:
            conv = await self.client.conversations.fetch(conversation_sid)
        except NotFoundError:
            return None
        return None if status_of(conv.state) == "closed" else conv

    async def _agents(self, conversation_sid: str) -> list[Participant]:
        """Chat participants of the conversation (agents have an identity, customers a binding)."""
        found = await self.client.conversations.participants.list(conversation_sid).to_list()
        return [p for p in found if p.identity is not None]

    async def _post_once(
        self, conversation_sid: str, body: str, author: str | None, marker: str
    ) -> None:
        """Post ``body`` unless a message with the same marker is already there."""
        recent = await self.client.conversations.messages.list(
            conversation_sid, order="desc", limit=50
        ).to_list()
        for message in recent:
            if isinstance(message.attributes, Mapping) and message.attributes.get(MARKER) == marker:
                return
        await self.client.conversations.messages.create(
            conversation_sid, body=body, author=author, attributes={MARKER: marker}
        )

    async def _close_conversation(self, conversation_sid: str) -> None:
        try:
            await self.client.conversations.close(conversation_sid)
        except APIStatusError:
            if await self._open_conversation(conversation_sid) is not None:
                raise

    async def _agent_participant(
        self, interaction_sid: str, channel_sid: str, task_sid: str
    ) -> Any:
        participants = await self.client.interactions.participants.list(
            interaction_sid, channel_sid
        ).to_list()
        for p in participants:
            routing = p.routing_properties or {}
            if status_of(p.type) == "agent" and routing.get("task_sid") == task_sid:
                return p
        return None

    async def _mark_conversation(self, conversation_sid: str, key: str) -> None:
        """Set the conversation attribute ``key`` to ``true`` (unless it is already)."""
        conv = await self.client.conversations.fetch(conversation_sid)
        attributes = dict(conv.attributes or {}) if isinstance(conv.attributes, Mapping) else {}
        if attributes.get(key) is True:
            return
        attributes[key] = True
        await self.client.conversations.update(conversation_sid, attributes=attributes)
