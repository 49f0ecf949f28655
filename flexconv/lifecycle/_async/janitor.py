"""The janitor: no conversation stays open without a task (closed, or re-routed once)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import APIStatusError, ValidationError
from flexconv._core.routing import interaction_of_task
from flexconv.events.models import ConversationsEvent
from flexconv.lifecycle._async.base import EngineBase, conversation_of, status_of
from flexconv.lifecycle.rules import (
    KEEP_OPEN_ATTRIBUTE,
    OPEN_TASK_STATUSES,
    REROUTED_ATTRIBUTE,
    JanitorRules,
)

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv.events.models import TaskRouterEvent
    from flexconv.events.receiver import Receiver

__all__ = ["AsyncJanitor"]


class AsyncJanitor(EngineBase):
    """Leaves no conversation open without a task (see [`janitor`][flexconv.lifecycle.janitor])."""

    def __init__(self, client: AsyncFlexConv, rules: JanitorRules | None = None) -> None:
        super().__init__(client)
        self.rules = rules or JanitorRules()
        if not isinstance(self.rules, JanitorRules):
            raise ValidationError(f"rules must be a JanitorRules, got {type(rules).__name__}")

    def install(self, receiver: Receiver) -> None:
        """React to the ends of a task without an agent, and to participants leaving."""
        for name in (
            "task.canceled",
            "workflow.timeout",
            "task.deleted",
            "task.system-deleted",
            "reservation.rejected",
            "reservation.timeout",
        ):
            receiver.add_handler(
                name, self.on_task_event, ident=f"flexconv.lifecycle.janitor.{name}"
            )
        if self.rules.participant_removed:
            receiver.add_handler(
                "onParticipantRemoved",
                self.on_participant_removed,
                ident="flexconv.lifecycle.janitor.participant-removed",
            )

    async def on_task_event(self, event: TaskRouterEvent) -> None:
        """A task ended without an agent (or an offer was declined): tidy its conversation."""
        attributes = event.task_attributes
        channel = event.task_channel_unique_name
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None:
            if status_of(task.assignment_status) in OPEN_TASK_STATUSES:
                return  # still routing (a declined offer goes to the next worker)
            attributes = dict(task.attributes or {})
            channel = task.task_channel_unique_name or channel
        await self.tidy(
            conversation_of(attributes), attributes or {}, event.workspace_sid, task_channel=channel
        )

    async def on_participant_removed(self, event: ConversationsEvent) -> None:
        """Someone left: if only the customer remains and no task is open, tidy."""
        conv_sid = event.conversation_sid
        conv = await self._open_conversation(conv_sid)
        if conv is None or conv_sid is None:
            return
        attributes = conv.attributes if isinstance(conv.attributes, Mapping) else {}
        if attributes.get(KEEP_OPEN_ATTRIBUTE) is True or await self._agents(conv_sid):
            return
        tasks = await self.client.routing.tasks.list(
            evaluate_task_attributes=f'conversationSid == "{conv_sid}"', limit=20
        ).to_list()
        if not tasks:
            return  # never routed (a bot or a Studio flow owns it)
        latest = await self._task(tasks[0].sid, None)
        await self.tidy(
            conv_sid,
            dict((latest.attributes if latest else None) or {}),
            None,
            task_channel=latest.task_channel_unique_name if latest else None,
        )

    async def tidy(
        self,
        conversation_sid: str | None,
        attributes: Mapping[str, Any],
        workspace_sid: str | None,
        *,
        task_channel: str | None = None,
    ) -> str:
        """Close or re-route ``conversation_sid`` if it is open with no open task; returns what
        was done: ``closed``, ``rerouted``, or why nothing was (``no conversation``,
        ``closed already``, ``task open``, ``kept open``).

        ``attributes`` are those of the task that ended (a task marked ``rerouted`` is not
        re-routed again); ``task_channel`` is its task channel, which a re-routed task keeps."""
        if conversation_sid is None:
            return "no conversation"
        conv = await self._open_conversation(conversation_sid)
        if conv is None:
            return "closed already"
        conv_attributes = conv.attributes if isinstance(conv.attributes, Mapping) else {}
        if conv_attributes.get(KEEP_OPEN_ATTRIBUTE) is True:
            return "kept open"
        if await self._open_tasks(conversation_sid, workspace_sid):
            return "task open"
        owner = interaction_of_task(attributes)
        rerouted = attributes.get("rerouted") is True or conv_attributes.get(REROUTED_ATTRIBUTE)
        if self.rules.action == "reroute" and rerouted is not True:
            await self._reroute(conversation_sid, attributes, owner, workspace_sid, task_channel)
            # on the conversation too: the ended task may be deleted before a late event about
            # an older task arrives, which must not re-route the conversation again
            await self._mark_conversation(conversation_sid, REROUTED_ATTRIBUTE)
            return "rerouted"
        if self.rules.message:
            await self._post_once(
                conversation_sid, self.rules.message, self.rules.author, "janitor:close"
            )
        if owner is not None and owner[0] and owner[1]:
            channel = await self.client.interactions.channels.fetch(owner[0], owner[1])
            if status_of(channel.status) not in ("closed", "failed"):
                try:
                    await self.client.interactions.channels.close(
                        owner[0], owner[1], complete_tasks=True
                    )
                except APIStatusError:
                    if await self._open_conversation(conversation_sid) is None:
                        return "closed"
                    raise
        if await self._open_conversation(conversation_sid) is not None:
            await self._close_conversation(conversation_sid)
        return "closed"

    async def _reroute(
        self,
        conversation_sid: str,
        attributes: Mapping[str, Any],
        owner: tuple[str | None, str | None] | None,
        workspace_sid: str | None,
        task_channel: str | None,
    ) -> None:
        # what the new task carries over; Flex (or create_for_conversation) sets the rest
        carried = {
            k: v
            for k, v in attributes.items()
            if k not in ("conversationSid", "conversations", "direction")
            and not k.startswith("flex")
        }
        carried["rerouted"] = True
        if owner is not None and owner[0] and owner[1]:
            if self.rules.queue_sid is None:
                raise ValidationError(
                    "JanitorRules(action='reroute') needs queue_sid= for Interactions conversations"
                )
            await self.client.interactions.invite_queue(
                owner[0],
                owner[1],
                self.rules.queue_sid,
                workspace_sid=workspace_sid,
                workflow_sid=self.rules.workflow_sid,
                task_channel_unique_name=task_channel or "chat",
                attributes=carried,  # an invite does not carry the ended task's attributes over
            )
            return
        direction = attributes.get("direction")
        await self.client.routing.tasks.create_for_conversation(
            conversation_sid,
            workflow_sid=self.rules.workflow_sid,
            task_channel=task_channel or "chat",
            direction="outbound" if direction == "outbound" else "inbound",
            attributes=carried,
            workspace_sid=workspace_sid,
        )
