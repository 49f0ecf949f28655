"""Driving the emulator as customers and agents would: ``emu.simulate``.

    emu = Emulator.from_scenario()                     # the default small contact centre
    inbound = emu.simulate.customer_message("+15005550006", "+15551230000", "Hi, my order?")
    emu.advance(0)                                     # Flex sets the interaction up: task routed
    res = emu.simulate.accept("alice")                 # the agent accepts in the Flex UI
    emu.simulate.agent_message("alice", "Hello! Let me check.")
    emu.simulate.wrap_up("alice")                      # "End chat": the task goes to wrapping
    emu.simulate.complete("alice")                     # Flex completes the task, removes the
                                                       # agent and closes the conversation

Customer messages follow the address configuration's auto-creation: with Studio, the flow runs
(the default Messaging Flow sends the conversation to Flex); with a webhook target, the team's URL
gets the post-event webhooks and nothing else happens.  Setting ``emu.flex.orchestration =
"custom"`` models custom orchestration: accepting adds nobody and completing cleans nothing up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._base import ApiError, bad_request, not_found

if TYPE_CHECKING:
    from .conversations.api import Conversation, Media, Message
    from .emulator import Emulator
    from .flex.api import ChannelParticipant, InteractionChannel
    from .taskrouter.api import Reservation, Task, Worker


@dataclass
class Inbound:
    """What a customer message led to."""

    #: ``None`` when the ``onConversationAdd`` pre-action webhook refused to create it.
    conversation: Conversation | None
    #: ``None`` when a pre-action webhook (``onConversationAdd``, ``onParticipantAdd`` or
    #: ``onMessageAdd``) refused a step.
    message: Message | None

    @property
    def refused(self) -> bool:
        """True when a pre-action webhook refused the message (or its new conversation)."""
        return self.message is None

    @property
    def conversation_sid(self) -> str | None:
        return None if self.conversation is None else self.conversation.sid

    @property
    def message_sid(self) -> str | None:
        return None if self.message is None else self.message.sid


class Simulation:
    """Customer and agent actions (see the module docs).  Every method is thread safe."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    # ------------------------------------------------------------------ customers
    def customer_message(
        self,
        address_to: str,
        from_: str,
        body: str | None = None,
        media: Sequence[Mapping[str, Any]] | None = None,
    ) -> Inbound:
        """A customer at ``from_`` sends ``body`` (and media) to the address ``address_to``.

        ``media`` items are ``{"content_type": ..., "filename": ..., "size": ...}``.  Webhooks
        and Studio run at once; Flex's interaction setup waits for the next clock tick
        (``emu.advance(0)``).  Raises `ApiError` (404) when no open conversation holds the
        binding and the address has no auto-creation.  Each step first goes to its pre-action
        webhook, if configured (``onConversationAdd`` and ``onParticipantAdd`` when the message
        auto-creates a conversation, then ``onMessageAdd``): a refusal stops there
        (`Inbound.refused`); a 200 JSON answer may change the new conversation's friendly name
        and the message's body, author or attributes.  The pre-action webhook goes out with the
        emulator's lock released, so its receiver may call back into the emulator.
        """
        if not body and not media:
            raise bad_request("A customer message needs a body or media")
        with self.emu.operation():
            convs = self.emu.conversations
            items: list[Media] = [
                convs.create_media(
                    str(m.get("content_type", "application/octet-stream")),
                    m.get("filename"),
                    int(m.get("size", 0)),
                )
                for m in (media or [])
            ]
            conv, msg = convs.inbound(address_to, from_, body, items)
            return Inbound(conv, msg)

    # ------------------------------------------------------------------ agents
    def worker(self, worker: str) -> Worker:
        """A worker by SID or friendly name, in any workspace."""
        found = self.emu.taskrouter.find_worker(worker)
        if found is None:
            raise not_found(f"worker {worker}")
        return found

    def reservations(self, worker: str, *, status: str = "pending") -> list[Reservation]:
        """The worker's reservations in ``status`` (oldest first)."""
        w = self.worker(worker)
        return [
            r
            for r in self.emu.taskrouter.reservations_for_worker(w.workspace_sid, w.sid)
            if r.reservation_status == status
        ]

    def _reservation(self, worker: str, task_sid: str | None, status: str) -> Reservation:
        found = [
            r for r in self.reservations(worker, status=status) if task_sid in (None, r.task_sid)
        ]
        if not found:
            what = f" for task {task_sid}" if task_sid else ""
            raise ApiError(404, 20404, f"Worker {worker} has no {status} reservation{what}")
        return found[0]

    def accept(self, worker: str, task_sid: str | None = None) -> Reservation:
        """The agent accepts their (oldest) pending reservation in the Flex UI.

        With Flex orchestration, Flex then adds the agent to the conversation with the ``agent``
        role and as an interaction channel participant.
        """
        with self.emu.operation():
            r = self._reservation(worker, task_sid, "pending")
            return self.emu.taskrouter.accept_reservation(r.workspace_sid, r.task_sid, r.sid)

    def reject(self, worker: str, task_sid: str | None = None) -> Reservation:
        """The agent rejects their (oldest) pending reservation: routing goes on."""
        with self.emu.operation():
            r = self._reservation(worker, task_sid, "pending")
            return self.emu.taskrouter.reject_reservation(r.workspace_sid, r.task_sid, r.sid)

    def _active_task(self, worker: str, task_sid: str | None, statuses: tuple[str, ...]) -> Task:
        w = self.worker(worker)
        tr = self.emu.taskrouter
        for r in tr.reservations_for_worker(w.workspace_sid, w.sid):
            if task_sid not in (None, r.task_sid):
                continue
            task = tr.get_task(r.workspace_sid, r.task_sid)
            if (
                r.reservation_status in ("accepted", "wrapping")
                and task.assignment_status in statuses
            ):
                return task
        raise ApiError(404, 20404, f"Worker {worker} has no task in {'/'.join(statuses)}")

    def _channel_participant(
        self, task: Task
    ) -> tuple[InteractionChannel, ChannelParticipant] | None:
        ch = self.emu.flex.channel_of_task(task)
        if ch is None:
            return None
        for p in ch.participants.values():
            if p.task_sid == task.sid and p.type == "agent":
                return ch, p
        return None

    def conversation_of(self, worker: str, task_sid: str | None = None) -> Conversation:
        """The conversation of the agent's current task (its ``conversationSid`` attribute)."""
        task = self._active_task(worker, task_sid, ("assigned", "wrapping"))
        sid = task.attributes.get("conversationSid")
        if not isinstance(sid, str):
            raise bad_request(f"Task {task.sid} has no conversationSid attribute")
        return self.emu.conversations.get(sid)

    def agent_message(self, worker: str, body: str, *, task_sid: str | None = None) -> Message:
        """The agent sends ``body`` in the conversation of their current task (from the Flex UI,
        so webhooks fire; the author is the agent's identity)."""
        from .flex.api import worker_identity

        with self.emu.operation():
            conv = self.conversation_of(worker, task_sid)
            return self.emu.conversations.add_message(
                conv,
                author=worker_identity(self.worker(worker)),
                body=body,
                hooks=True,
                source="SDK",
                pre=True,
            )

    def wrap_up(self, worker: str, task_sid: str | None = None) -> Task:
        """The agent ends the chat: their task goes to wrapping (the interaction channel
        participant to ``wrapup``)."""
        with self.emu.operation():
            task = self._active_task(worker, task_sid, ("assigned",))
            found = self._channel_participant(task)
            if found is not None and self.emu.flex.orchestration == "flex":
                self.emu.flex.update_participant(found[0], found[1], "wrapup")
            else:
                self.emu.taskrouter.update_task(
                    task.workspace_sid, task.sid, assignment_status="wrapping", reason="Wrap up"
                )
            return task

    def complete(self, worker: str, task_sid: str | None = None) -> Task:
        """The agent completes the task.  With Flex orchestration Flex's default clean-up runs:
        the task completes, the agent leaves the conversation, and once no task of the channel
        is open the conversation and the interaction channel close."""
        with self.emu.operation():
            task = self._active_task(worker, task_sid, ("assigned", "wrapping"))
            tr = self.emu.taskrouter
            if task.assignment_status == "assigned":
                tr.update_task(
                    task.workspace_sid, task.sid, assignment_status="wrapping", reason="Wrap up"
                )
            tr.update_task(
                task.workspace_sid, task.sid, assignment_status="completed", reason="Completed"
            )
            return task

    def set_activity(self, worker: str, activity: str) -> Worker:
        """Move the worker to an activity (by name or SID), e.g. ``"Offline"``."""
        with self.emu.operation():
            w = self.worker(worker)
            return self.emu.taskrouter.set_worker_activity(w.workspace_sid, w.sid, activity)
