"""Accept, wrap-up and complete overrides: custom TaskRouter tasks through TaskRouter and
Conversations, Interactions tasks through the Interactions API only."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from flexconv._core.errors import APIStatusError, NotFoundError, ValidationError
from flexconv._core.routing import interaction_of_task
from flexconv.lifecycle._async.base import EngineBase, conversation_of, status_of
from flexconv.lifecycle.rules import KEEP_OPEN_ATTRIBUTE, ChannelRules, rules_for

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv.events.models import TaskRouterEvent
    from flexconv.events.receiver import Receiver
    from flexconv.models.conversations import Participant
    from flexconv.models.routing import Task

__all__ = ["AsyncTaskLifecycle"]


class AsyncTaskLifecycle(EngineBase):
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
        if task is None or status_of(task.assignment_status) not in ("assigned", "wrapping"):
            return
        if interaction_of_task(task.attributes) is not None:
            return  # Flex adds the agent of an Interactions task itself
        if event.worker_sid and self.rules_for(task).add_agent:
            await self.add_agent(task, event.worker_sid, workspace_sid=event.workspace_sid)

    async def on_wrapup(self, event: TaskRouterEvent) -> None:
        """A task went to wrap-up (by whoever): apply the wrap-up rules."""
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None and status_of(task.assignment_status) == "wrapping":
            await self._after_wrapup(task, event.workspace_sid)

    async def on_completed(self, event: TaskRouterEvent) -> None:
        """A task completed (by whoever): apply the completion rules."""
        task = await self._task(event.task_sid, event.workspace_sid)
        if task is not None and status_of(task.assignment_status) == "completed":
            await self._after_complete(task, event.workspace_sid)

    # ------------------------------------------------------------------ actions

    async def add_agent(
        self, task: Task, worker_sid: str, *, workspace_sid: str | None = None
    ) -> Participant | None:
        """Add the worker to the task's conversation with the rules' role, unless already in it
        (or the conversation is closed); returns the participant added, else ``None``."""
        conv_sid = conversation_of(task.attributes)
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
        Returns the task as re-read after them, ``None`` when it no longer exists (an
        Interactions task whose rules say ``remove_agent`` comes back ``completed``: see
        [`ChannelRules.on_wrapup`][flexconv.lifecycle.ChannelRules.on_wrapup])."""
        task = await self._task(task_sid, workspace_sid)
        if task is None:
            return None
        if status_of(task.assignment_status) == "assigned":
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
        if status_of(task.assignment_status) == "wrapping":
            await self._after_wrapup(task, workspace_sid)
            task = await self._task(task_sid, workspace_sid)
        return task

    async def complete(self, task_sid: str, *, workspace_sid: str | None = None) -> Task | None:
        """Complete the task and apply the completion rules: close the conversation or leave it
        open.  An Interactions task ends through its channel (``closed``, tasks completed) or,
        to leave the conversation open, its agent participant (``closed``).  Returns the task as
        re-read, ``None`` when it no longer exists."""
        task = await self._task(task_sid, workspace_sid)
        if task is None:
            return None
        status = status_of(task.assignment_status)
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
        if status_of(task.assignment_status) == "completed":
            await self._after_complete(task, workspace_sid)
        return task

    async def _complete_interaction(
        self, task: Task, interaction_sid: str, channel_sid: str, workspace_sid: str | None
    ) -> None:
        rules = self.rules_for(task)
        conv_sid = conversation_of(task.attributes)
        if rules.complete_message and conv_sid and await self._open_conversation(conv_sid):
            await self._post_once(
                conv_sid, rules.complete_message, rules.author, f"complete:{task.sid}"
            )
        others = (
            await self._open_tasks(conv_sid, workspace_sid, besides=task.sid) if conv_sid else []
        )
        if rules.on_complete == "close" and not others:
            channel = await self.client.interactions.channels.fetch(interaction_sid, channel_sid)
            if status_of(channel.status) not in ("closed", "failed"):
                await self.client.interactions.channels.close(
                    interaction_sid, channel_sid, complete_tasks=True
                )
            return
        if rules.on_complete == "leave_open" and conv_sid:
            await self._mark_keep_open(conv_sid)
        await self._close_agent(task, interaction_sid, channel_sid, workspace_sid)

    async def _close_agent(
        self, task: Task, interaction_sid: str, channel_sid: str, workspace_sid: str | None
    ) -> None:
        """Move the task's agent participant to ``closed``: the agent leaves the conversation and
        their task completes; the channel (the conversation) stays active.  A participant closed
        already (its task completed) is success."""
        agent = await self._agent_participant(interaction_sid, channel_sid, task.sid or "")
        if agent is None:
            return
        try:
            await self.client.interactions.participants.update(
                interaction_sid, channel_sid, agent.sid, "closed"
            )
        except APIStatusError:
            current = await self._task(task.sid, workspace_sid)
            if current is None or status_of(current.assignment_status) != "completed":
                raise

    async def _after_wrapup(self, task: Task, workspace_sid: str | None) -> None:
        rules = self.rules_for(task)
        conv_sid = conversation_of(task.attributes)
        if conv_sid is None or await self._open_conversation(conv_sid) is None:
            return
        if rules.wrapup_message:
            await self._post_once(
                conv_sid, rules.wrapup_message, rules.author, f"wrapup:{task.sid}"
            )
        if rules.on_wrapup != "remove_agent":
            return
        owner = interaction_of_task(task.attributes)
        if owner is None:
            await self._remove_task_agent(task, conv_sid, workspace_sid)
        elif owner[0] and owner[1]:
            # The Interactions API takes an agent out of the conversation only by closing their
            # participant, which also completes their task; the completion rules then apply.
            if rules.on_complete == "leave_open":
                await self._mark_keep_open(conv_sid)  # before the janitor sees the agent go
            await self._close_agent(task, owner[0], owner[1], workspace_sid)
            # the task completed with it: apply the completion rules now, not only on the
            # task.completed event (which a receiver may not get, or a direct call not wait for)
            current = await self._task(task.sid, workspace_sid)
            if current is not None and status_of(current.assignment_status) == "completed":
                await self._after_complete(current, workspace_sid)

    async def _after_complete(self, task: Task, workspace_sid: str | None) -> None:
        rules = self.rules_for(task)
        conv_sid = conversation_of(task.attributes)
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
        await self._mark_conversation(conversation_sid, KEEP_OPEN_ATTRIBUTE)

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
            and status_of(r.reservation_status) in ("accepted", "wrapping", "completed")
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
