"""What the lifecycle policies do through a flexconv client (`AsyncFlexConv`): accept a reservation,
add or remove the agent, wrap up and complete a task, close or re-route an orphaned conversation.

Every step re-reads the state it acts on first (the task, the reservation, the conversation and
its participants), so a duplicate or late event, or a second receiver doing the same, finds the
work done and does nothing; "already in that state" is success, never an error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import APIStatusError, NotFoundError, ValidationError
from flexconv._core.routing import interaction_of_task
from flexconv.events.models import AssignmentCallback, ConversationsEvent, Instruction
from flexconv.lifecycle.rules import (
    KEEP_OPEN_ATTRIBUTE,
    OPEN_TASK_STATUSES,
    ChannelRules,
    JanitorRules,
    Predicate,
    rules_for,
)

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv.events.models import TaskRouterEvent
    from flexconv.events.receiver import Receiver
    from flexconv.models.conversations import Participant
    from flexconv.models.routing import Task

__all__ = ["AsyncAutoAccept", "AsyncJanitor", "AsyncTaskLifecycle"]

#: Message attribute marking what a policy posted, so a repeated step does not post twice.
MARKER = "flexconvLifecycle"


def _status(value: object) -> str:
    return str(value) if value is not None else ""


def _conversation_of(attributes: Mapping[str, Any] | None) -> str | None:
    sid = (attributes or {}).get("conversationSid")
    return sid if isinstance(sid, str) and sid.startswith("CH") else None


class _Base:
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
        return None if _status(conv.state) == "closed" else conv

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
            if _status(p.type) == "agent" and routing.get("task_sid") == task_sid:
                return p
        return None


class AsyncAutoAccept(_Base):
    """Accepts reservations from the backend when ``predicate`` holds for the task's attributes
    (see [`auto_accept`][flexconv.lifecycle.auto_accept])."""

    def __init__(
        self,
        client: AsyncFlexConv,
        predicate: Predicate,
        *,
        via: tuple[str, ...] = ("event", "assignment"),
    ) -> None:
        super().__init__(client)
        self.predicate = predicate
        self.via = via

    def install(self, receiver: Receiver) -> None:
        """Register on ``reservation.created`` and/or ``assignment`` (after ``via``)."""
        if "event" in self.via:
            receiver.add_handler(
                "reservation.created",
                self.on_reservation_created,
                ident="flexconv.lifecycle.auto_accept.event",
            )
        if "assignment" in self.via:
            receiver.add_handler(
                "assignment", self.on_assignment, ident="flexconv.lifecycle.auto_accept.assignment"
            )

    async def on_assignment(self, callback: AssignmentCallback) -> Instruction | None:
        """Answer ``accept`` when the predicate holds, else nothing (``{}``: decide later)."""
        if self.predicate(callback.task_attributes or {}):
            return Instruction.accept()
        return None

    async def on_reservation_created(self, event: TaskRouterEvent) -> None:
        """Accept the reservation through the REST API when the predicate holds."""
        if not event.task_sid or not event.reservation_sid:
            return
        attributes = event.task_attributes
        if attributes is None:
            task = await self._task(event.task_sid, event.workspace_sid)
            attributes = dict(task.attributes or {}) if task is not None else {}
        if self.predicate(attributes):
            await self.accept(event.task_sid, event.reservation_sid, event.workspace_sid)

    async def accept(
        self, task_sid: str, reservation_sid: str, workspace_sid: str | None = None
    ) -> str:
        """Accept one reservation if it is still pending; returns what happened: ``accepted``,
        ``already <status>`` or ``gone`` (the task or reservation no longer exists)."""
        reservations = self.client.routing.reservations
        try:
            current = await reservations.fetch(
                task_sid, reservation_sid, workspace_sid=workspace_sid
            )
        except NotFoundError:
            return "gone"
        if _status(current.reservation_status) != "pending":
            return f"already {_status(current.reservation_status)}"
        try:
            await reservations.update(
                task_sid,
                reservation_sid,
                reservation_status="accepted",
                workspace_sid=workspace_sid,
            )
        except APIStatusError as exc:
            if exc.status >= 500 or exc.status == 429:
                raise
            try:
                current = await reservations.fetch(
                    task_sid, reservation_sid, workspace_sid=workspace_sid
                )
            except NotFoundError:
                return "gone"
            if _status(current.reservation_status) == "pending":
                raise
            return f"already {_status(current.reservation_status)}"
        return "accepted"


class AsyncTaskLifecycle(_Base):
    """Accept, wrap-up and complete overrides for your own orchestration (see
    [`overrides`][flexconv.lifecycle.overrides]).

    Custom TaskRouter tasks go through TaskRouter and Conversations; Interactions tasks only
    through the Interactions API (participant ``wrapup``/``closed``, channel ``closed``), never
    by canceling or deleting the task.
    """

    def __init__(
        self,
        client: AsyncFlexConv,
        rules: ChannelRules | None = None,
        *,
        channels: Mapping[str, ChannelRules] | None = None,
    ) -> None:
        super().__init__(client)
        self.rules = rules or ChannelRules()
        self.channels = dict(channels or {})
        for name, value in [("rules", self.rules), *self.channels.items()]:
            if not isinstance(value, ChannelRules):
                raise ValidationError(f"{name} must be a ChannelRules, got {type(value).__name__}")

    def install(self, receiver: Receiver) -> None:
        """React to ``reservation.accepted``, ``task.wrapup`` and ``task.completed``."""
        receiver.add_handler(
            "reservation.accepted", self.on_accepted, ident="flexconv.lifecycle.accepted"
        )
        receiver.add_handler("task.wrapup", self.on_wrapup, ident="flexconv.lifecycle.wrapup")
        receiver.add_handler(
            "task.completed", self.on_completed, ident="flexconv.lifecycle.completed"
        )

    def rules_for(self, task: Task) -> ChannelRules:
        """The rules that apply to ``task`` (by ``channelType``, then its task channel)."""
        return rules_for(self.rules, self.channels, task.task_channel_unique_name, task.attributes)

    # ------------------------------------------------------------------ reactions

    async def on_accepted(self, event: TaskRouterEvent) -> None:
        """A reservation was accepted: add the agent to a custom task's conversation."""
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is None or _status(task.assignment_status) not in ("assigned", "wrapping"):
            return
        if interaction_of_task(task.attributes) is not None:
            return  # Flex adds the agent of an Interactions task itself
        if event.worker_sid and self.rules_for(task).add_agent:
            await self.add_agent(task, event.worker_sid, workspace_sid=event.workspace_sid)

    async def on_wrapup(self, event: TaskRouterEvent) -> None:
        """A task went to wrap-up (by whoever): apply the wrap-up rules."""
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None and _status(task.assignment_status) == "wrapping":
            await self._after_wrapup(task, event.workspace_sid)

    async def on_completed(self, event: TaskRouterEvent) -> None:
        """A task completed (by whoever): apply the completion rules."""
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None and _status(task.assignment_status) == "completed":
            await self._after_complete(task, event.workspace_sid)

    # ------------------------------------------------------------------ actions

    async def add_agent(
        self, task: Task, worker_sid: str, *, workspace_sid: str | None = None
    ) -> Participant | None:
        """Add the worker to the task's conversation with the rules' role, unless already in it
        (or the conversation is closed); returns the participant added, else ``None``."""
        conv_sid = _conversation_of(task.attributes)
        if conv_sid is None or await self._open_conversation(conv_sid) is None:
            return None
        identity = await self.client.routing.workers.fetch_identity(
            worker_sid, workspace_sid=workspace_sid
        )
        if any(p.identity == identity for p in await self._agents(conv_sid)):
            return None
        try:
            return await self.client.conversations.participants.create_for_worker(
                conv_sid, worker_sid, role=self.rules_for(task).role, workspace_sid=workspace_sid
            )
        except APIStatusError as exc:
            if exc.status == 409 or any(
                p.identity == identity for p in await self._agents(conv_sid)
            ):
                return None
            raise

    async def wrap_up(self, task_sid: str, *, workspace_sid: str | None = None) -> Task | None:
        """End the conversation for the agent: the task goes to ``wrapping`` (an Interactions
        task through its agent participant's ``wrapup``), then the wrap-up rules apply.
        Returns the task as re-read, ``None`` when it no longer exists."""
        task = await self._task(task_sid, workspace_sid)
        if task is None:
            return None
        if _status(task.assignment_status) == "assigned":
            owner = interaction_of_task(task.attributes)
            if owner is not None and owner[0] and owner[1]:
                agent = await self._agent_participant(owner[0], owner[1], task_sid)
                if agent is not None:
                    await self.client.interactions.participants.update(
                        owner[0], owner[1], agent.sid, "wrapup"
                    )
            else:
                await self.client.routing.tasks.update(
                    task_sid,
                    assignment_status="wrapping",
                    reason="Wrap-up",
                    workspace_sid=workspace_sid,
                )
            task = await self._task(task_sid, workspace_sid)
            if task is None:
                return None
        if _status(task.assignment_status) == "wrapping":
            await self._after_wrapup(task, workspace_sid)
        return task

    async def complete(self, task_sid: str, *, workspace_sid: str | None = None) -> Task | None:
        """Complete the task and apply the completion rules: close the conversation or leave it
        open.  An Interactions task ends through its channel (``closed``, tasks completed) or,
        to leave the conversation open, its agent participant (``closed``).  Returns the task as
        re-read, ``None`` when it no longer exists."""
        task = await self._task(task_sid, workspace_sid)
        if task is None:
            return None
        status = _status(task.assignment_status)
        if status in ("assigned", "wrapping"):
            owner = interaction_of_task(task.attributes)
            if owner is not None and owner[0] and owner[1]:
                await self._complete_interaction(task, owner[0], owner[1], workspace_sid)
            else:
                if status == "assigned":
                    await self.client.routing.tasks.update(
                        task_sid,
                        assignment_status="wrapping",
                        reason="Wrap-up",
                        workspace_sid=workspace_sid,
                    )
                await self.client.routing.tasks.update(
                    task_sid,
                    assignment_status="completed",
                    reason="Completed",
                    workspace_sid=workspace_sid,
                )
            task = await self._task(task_sid, workspace_sid)
            if task is None:
                return None
        if _status(task.assignment_status) == "completed":
            await self._after_complete(task, workspace_sid)
        return task

    async def _complete_interaction(
        self, task: Task, interaction_sid: str, channel_sid: str, workspace_sid: str | None
    ) -> None:
        rules = self.rules_for(task)
        conv_sid = _conversation_of(task.attributes)
        if rules.complete_message and conv_sid and await self._open_conversation(conv_sid):
            await self._post_once(
                conv_sid, rules.complete_message, rules.author, f"complete:{task.sid}"
            )
        others = (
            await self._open_tasks(conv_sid, workspace_sid, besides=task.sid) if conv_sid else []
        )
        if rules.on_complete == "close" and not others:
            channel = await self.client.interactions.channels.fetch(interaction_sid, channel_sid)
            if _status(channel.status) not in ("closed", "failed"):
                await self.client.interactions.channels.close(
                    interaction_sid, channel_sid, complete_tasks=True
                )
            return
        if rules.on_complete == "leave_open" and conv_sid:
            await self._mark_keep_open(conv_sid)
        agent = await self._agent_participant(interaction_sid, channel_sid, task.sid or "")
        if agent is not None:
            try:
                await self.client.interactions.participants.update(
                    interaction_sid, channel_sid, agent.sid, "closed"
                )
            except APIStatusError:
                current = await self._task(task.sid, workspace_sid)
                if current is None or _status(current.assignment_status) != "completed":
                    raise

    async def _after_wrapup(self, task: Task, workspace_sid: str | None) -> None:
        rules = self.rules_for(task)
        conv_sid = _conversation_of(task.attributes)
        if conv_sid is None or await self._open_conversation(conv_sid) is None:
            return
        if rules.wrapup_message:
            await self._post_once(
                conv_sid, rules.wrapup_message, rules.author, f"wrapup:{task.sid}"
            )
        if rules.on_wrapup == "remove_agent" and interaction_of_task(task.attributes) is None:
            await self._remove_task_agent(task, conv_sid, workspace_sid)

    async def _after_complete(self, task: Task, workspace_sid: str | None) -> None:
        rules = self.rules_for(task)
        conv_sid = _conversation_of(task.attributes)
        if conv_sid is None or await self._open_conversation(conv_sid) is None:
            return
        owner = interaction_of_task(task.attributes)
        if owner is not None:
            if owner[0] and owner[1]:
                await self._complete_interaction(task, owner[0], owner[1], workspace_sid)
            return
        if rules.complete_message:
            await self._post_once(
                conv_sid, rules.complete_message, rules.author, f"complete:{task.sid}"
            )
        if rules.on_complete == "leave_open":
            # marked before the agent leaves: the janitor, seeing the agent go, leaves it open
            await self._mark_keep_open(conv_sid)
        await self._remove_task_agent(task, conv_sid, workspace_sid)
        if rules.on_complete == "close" and not await self._open_tasks(
            conv_sid, workspace_sid, besides=task.sid
        ):
            await self._close_conversation(conv_sid)

    async def _mark_keep_open(self, conversation_sid: str) -> None:
        conv = await self.client.conversations.fetch(conversation_sid)
        attributes = dict(conv.attributes or {}) if isinstance(conv.attributes, Mapping) else {}
        if attributes.get(KEEP_OPEN_ATTRIBUTE) is True:
            return
        attributes[KEEP_OPEN_ATTRIBUTE] = True
        await self.client.conversations.update(conversation_sid, attributes=attributes)

    async def _remove_task_agent(
        self, task: Task, conversation_sid: str, workspace_sid: str | None
    ) -> None:
        """Remove the worker(s) who held ``task`` from the conversation."""
        reservations = await self.client.routing.reservations.list(
            task.sid, workspace_sid=workspace_sid
        ).to_list()
        workers = {
            r.worker_sid
            for r in reservations
            if r.worker_sid
            and _status(r.reservation_status) in ("accepted", "wrapping", "completed")
        }
        agents = await self._agents(conversation_sid)
        for worker_sid in workers:
            identity = await self.client.routing.workers.fetch_identity(
                worker_sid, workspace_sid=workspace_sid
            )
            for p in agents:
                if p.identity == identity and p.sid:
                    with contextlib.suppress(NotFoundError):
                        await self.client.conversations.participants.delete(conversation_sid, p.sid)


class AsyncJanitor(_Base):
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
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None:
            if _status(task.assignment_status) in OPEN_TASK_STATUSES:
                return  # still routing (a declined offer goes to the next worker)
            attributes = dict(task.attributes or {})
        await self.tidy(_conversation_of(attributes), attributes or {}, event.workspace_sid)

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
        await self.tidy(conv_sid, dict((latest.attributes if latest else None) or {}), None)

    async def tidy(
        self, conversation_sid: str | None, attributes: Mapping[str, Any], workspace_sid: str | None
    ) -> str:
        """Close or re-route ``conversation_sid`` if it is open with no open task; returns what
        was done: ``closed``, ``rerouted``, or why nothing was (``no conversation``,
        ``closed already``, ``task open``, ``kept open``)."""
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
        if self.rules.action == "reroute" and attributes.get("rerouted") is not True:
            await self._reroute(conversation_sid, attributes, owner, workspace_sid)
            return "rerouted"
        if self.rules.message:
            await self._post_once(
                conversation_sid, self.rules.message, self.rules.author, "janitor:close"
            )
        if owner is not None and owner[0] and owner[1]:
            channel = await self.client.interactions.channels.fetch(owner[0], owner[1])
            if _status(channel.status) not in ("closed", "failed"):
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
    ) -> None:
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
            )
            return
        carried = {
            k: v
            for k, v in attributes.items()
            if k not in ("conversationSid", "conversations", "direction")
            and not k.startswith("flex")
        }
        carried["rerouted"] = True
        direction = attributes.get("direction")
        await self.client.routing.tasks.create_for_conversation(
            conversation_sid,
            workflow_sid=self.rules.workflow_sid,
            direction="outbound" if direction == "outbound" else "inbound",
            attributes=carried,
            workspace_sid=workspace_sid,
        )
