"""Flex's reactions to events on the bus: a reservation accepted (add the agent), rejected or
timed out, a task completed or canceled (clean up), a conversation's state change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError
from flexconv.emulator.flex.channels import FlexChannels
from flexconv.emulator.flex.entities import InteractionChannel, worker_identity

if TYPE_CHECKING:
    from flexconv.emulator.conversations.api import Conversation


class FlexReactions(FlexChannels):
    """Reacts to TaskRouter and Conversations events."""

    def channel_of_task(self, task: Any) -> InteractionChannel | None:
        """The interaction channel a TaskRouter task belongs to (by its Flex attributes), if any."""
        attrs = task.attributes if isinstance(task.attributes, dict) else {}
        ch = self._channels.get(str(attrs.get("flexInteractionChannelSid", "")))
        if ch is not None and task.sid in ch.task_sids:
            return ch
        return None

    def _on_accepted(self, task: Any, reservation: Any, worker: Any, **_: Any) -> None:
        ch = self.channel_of_task(task)
        if ch is None or self.orchestration != "flex":
            return
        convs = self.emu.conversations
        conv = convs.find(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            return
        identity = worker_identity(worker)
        try:
            mb = convs.get_participant(conv, identity)
        except ApiError:
            mb = convs.add_participant(
                conv, identity=identity, role_sid=convs.agent_role_sid, hooks=True, source="API"
            )
        self._add_channel_participant(
            ch,
            "agent",
            {"identity": identity, "conversation_sid": conv.sid, "participant_sid": mb.sid},
            routing={
                "workspace_sid": ch.workspace_sid,
                "task_sid": task.sid,
                "reservation_sid": reservation.sid,
                "worker_sid": worker.sid,
            },
            conversation_participant_sid=mb.sid,
            worker_sid=worker.sid,
            task_sid=task.sid,
        )
        for tr in ch.transfers.values():
            if tr.task_sid == task.sid and tr.status == "active":
                tr.status = "completed"
                tr.date_updated = self.emu.clock.now()
                if tr.type == "cold" and tr.from_task_sid is not None:
                    for p in ch.participants.values():
                        if p.task_sid == tr.from_task_sid and p.status == "active":
                            self.update_participant(ch, p, "closed")

    def _on_not_accepted(
        self, task: Any, reservation: Any = None, worker: Any = None, **_: Any
    ) -> None:
        ch = self.channel_of_task(task)
        if ch is None:
            return
        for tr in ch.transfers.values():
            if tr.task_sid == task.sid and tr.status == "active" and (tr.to or "").startswith("WK"):
                tr.status = "failed"
                tr.date_updated = self.emu.clock.now()
        attrs = task.attributes if isinstance(task.attributes, dict) else {}
        if (
            reservation is not None
            and reservation.reservation_status == "rejected"
            and attrs.get("flexChannelInviteSid")
            and worker is not None
            and task.routing_target == worker.sid
            and task.assignment_status == "pending"
            and ch.workspace_sid is not None
        ):
            # Flex best practices, "Handle declined agent reservations": when the worker named in
            # an invite declines it, the task is canceled and the conversation stays active.
            self.emu.taskrouter.update_task(
                ch.workspace_sid, task.sid, assignment_status="canceled", reason="Invite declined"
            )

    def _on_task_updated(self, task: Any, previous_status: str | None = None, **_: Any) -> None:
        ch = self.channel_of_task(task)
        if ch is None or ch.sid in self._busy:
            return
        status = task.assignment_status
        for p in ch.participants.values():
            if (
                p.task_sid == task.sid
                and p.type == "agent"
                and status == "wrapping"
                and p.status == "active"
            ):
                p.status = "wrapup"
        if status != "completed" or self.orchestration != "flex":
            return
        # Flex's default clean-up: remove the agent; close everything when no task is left.
        for p in list(ch.participants.values()):
            if p.task_sid == task.sid and p.type == "agent" and p.status != "closed":
                p.status = "closed"
                self._remove_from_conversation(ch, p)
        open_tasks = [
            t
            for t in (self._task(ch, sid) for sid in ch.task_sids)
            if t is not None and t.assignment_status not in ("completed", "canceled")
        ]
        if not open_tasks and ch.status == "active":
            self._busy.add(ch.sid)
            try:
                ch.status = "closed"
                for p in ch.participants.values():
                    p.status = "closed"
                conv = self.emu.conversations.find(ch.media_channel_sid or "")
                if conv is not None and not conv.closed:
                    self.emu.conversations.close(conv, hooks=True, source="API", reason="API")
            finally:
                self._busy.discard(ch.sid)

    def _on_conversation_state(self, conversation: Conversation, previous: str, **_: Any) -> None:
        if conversation.state != "closed":
            return
        for ch in list(self._channels.values()):
            if ch.media_channel_sid != conversation.sid or ch.sid in self._busy:
                continue
            if ch.status in ("active", "inactive"):
                self._busy.add(ch.sid)
                try:
                    for task_sid in list(ch.task_sids):
                        self._finish_task(
                            ch, task_sid, complete=False, reason="Conversation closed"
                        )
                    ch.status = "closed"
                    for p in ch.participants.values():
                        if p.type == "agent" and p.status == "active":
                            p.status = "wrapup"
                finally:
                    self._busy.discard(ch.sid)
