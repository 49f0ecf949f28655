"""Flex's Python API on an interaction channel: closing it, participant status changes, invites
and transfers, and the TaskRouter task changes they imply."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, bad_request
from flexconv.emulator.flex.entities import (
    TRANSFER_TYPES,
    ChannelParticipant,
    InteractionChannel,
    Invite,
    Transfer,
)
from flexconv.emulator.flex.interactions import FlexInteractions

if TYPE_CHECKING:
    pass


class FlexChannels(FlexInteractions):
    """Changes interaction channels, their participants, invites and transfers."""

    def close_channel(
        self, ch: InteractionChannel, status: str, routing_status: str | None = None
    ) -> None:
        """``closed`` or ``inactive``: tasks go to wrapping, or complete with ``routing_status='closed'``.

        ``closed`` also closes the conversation; ``inactive`` makes it inactive (parked).
        Tasks not yet accepted are canceled.
        """
        if status not in ("closed", "inactive"):
            raise bad_request("Status must be closed or inactive")
        if routing_status not in (None, "closed"):
            raise bad_request('Routing.status can only be "closed"')
        if status == "inactive" and routing_status is None:
            # Spec: "Routing status is required, When the channel status is set to `inactive`."
            raise bad_request('Routing with status "closed" is required with Status=inactive')
        if ch.status in ("failed", "setup"):
            raise bad_request(f"Interaction channel {ch.sid} is {ch.status}")
        if ch.status == "closed":
            if status == "closed":
                return
            raise bad_request(f"Interaction channel {ch.sid} is closed")
        complete = routing_status == "closed"
        self._busy.add(ch.sid)
        try:
            for task_sid in list(ch.task_sids):
                self._finish_task(
                    ch, task_sid, complete=complete, reason=f"Interaction channel {status}"
                )
            for p in ch.participants.values():
                if p.type == "agent" and p.status != "closed":
                    p.status = "closed" if complete else "wrapup"
            ch.status = status
            conv = self.emu.conversations.find(ch.media_channel_sid or "")
            if conv is not None and not conv.closed:
                if status == "closed":
                    self.emu.conversations.close(conv, hooks=True, source="API", reason="API")
                elif conv.state == "active":
                    self.emu.conversations.set_state(conv, "inactive", hooks=True, source="API")
        finally:
            self._busy.discard(ch.sid)

    def _task(self, ch: InteractionChannel, task_sid: str) -> Any:
        if ch.workspace_sid is None:
            return None
        try:
            return self.emu.taskrouter.get_task(ch.workspace_sid, task_sid)
        except ApiError:
            return None

    def _finish_task(
        self, ch: InteractionChannel, task_sid: str, *, complete: bool, reason: str
    ) -> None:
        task = self._task(ch, task_sid)
        if task is None or ch.workspace_sid is None:
            return
        tr = self.emu.taskrouter
        status = task.assignment_status
        if status in ("pending", "reserved"):
            tr.update_task(ch.workspace_sid, task_sid, assignment_status="canceled", reason=reason)
        elif status == "assigned":
            if complete:
                tr.update_task(
                    ch.workspace_sid, task_sid, assignment_status="wrapping", reason=reason
                )
                tr.update_task(
                    ch.workspace_sid, task_sid, assignment_status="completed", reason=reason
                )
            else:
                tr.update_task(
                    ch.workspace_sid, task_sid, assignment_status="wrapping", reason=reason
                )
        elif status == "wrapping" and complete:
            tr.update_task(ch.workspace_sid, task_sid, assignment_status="completed", reason=reason)

    def update_participant(
        self, ch: InteractionChannel, p: ChannelParticipant, status: str
    ) -> None:
        """``wrapup``: the participant's task goes to wrapping.  ``closed``: the task completes and
        the participant leaves the conversation."""
        if status not in ("closed", "wrapup"):
            raise bad_request("Status must be closed or wrapup")
        if p.status == "closed":
            raise bad_request(f"Participant {p.sid} is closed")
        if p.task_sid is not None:
            task = self._task(ch, p.task_sid)
            if task is not None and ch.workspace_sid is not None:
                tr = self.emu.taskrouter
                if status == "wrapup" and task.assignment_status == "assigned":
                    tr.update_task(
                        ch.workspace_sid,
                        p.task_sid,
                        assignment_status="wrapping",
                        reason="Participant wrapup",
                    )
                if status == "closed":
                    # The docs: ``closed`` completes this agent's task and leaves the
                    # conversation active (parking); Flex's completion clean-up does not run.
                    self._busy.add(ch.sid)
                    try:
                        self._finish_task(
                            ch, p.task_sid, complete=True, reason="Participant closed"
                        )
                    finally:
                        self._busy.discard(ch.sid)
        p.status = status
        if status == "closed":
            self._remove_from_conversation(ch, p)

    def _remove_from_conversation(self, ch: InteractionChannel, p: ChannelParticipant) -> None:
        convs = self.emu.conversations
        conv = convs.find(ch.media_channel_sid or "")
        if conv is None or p.conversation_participant_sid is None:
            return
        mb = convs.find_participant(conv, p.conversation_participant_sid)
        if mb is not None:
            convs.remove_participant(conv, mb, hooks=True, source="API")

    def invite(self, ch: InteractionChannel, routing: dict[str, Any]) -> Invite:
        """Route a new task for this channel to a worker (``worker_sid``) or a queue (``queue_sid``)."""
        props = routing.get("properties")
        if not isinstance(props, dict):
            raise bad_request("Routing.properties is required")
        if not props.get("worker_sid") and not props.get("queue_sid"):
            raise bad_request("Routing.properties needs worker_sid or queue_sid")
        if ch.status not in ("active", "inactive"):
            raise bad_request(f"Interaction channel {ch.sid} is {ch.status}")
        conv = self.emu.conversations.find(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        inv = Invite(self.emu.sids.new("KG"), ch.interaction_sid, ch.sid, copy.deepcopy(routing))
        task = self._create_task(ch, conv, dict(props), extra={"flexChannelInviteSid": inv.sid})
        if ch.status == "inactive":
            ch.status = "active"
            if conv.state == "inactive":
                self.emu.conversations.set_state(conv, "active", hooks=True, source="API")
        inv.task_sid = task.sid
        inv.routing = self._task_routing(dict(props), task)
        ch.task_sids.append(task.sid)
        ch.invites[inv.sid] = inv
        return inv

    def transfer(self, ch: InteractionChannel, body: dict[str, Any]) -> Transfer:
        """Start a transfer (``type`` warm|cold|external, ``from``, ``to``)."""
        kind = body.get("type")
        if kind not in TRANSFER_TYPES:
            raise bad_request("type must be warm, cold or external")
        if ch.status != "active":
            raise bad_request(f"Interaction channel {ch.sid} is {ch.status}")
        to = body.get("to")
        from_ = body.get("from")
        if not isinstance(to, str) or not to:
            raise bad_request("to is required")
        now = self.emu.clock.now()
        tr = Transfer(
            sid=self.emu.sids.new("UX"),
            interaction_sid=ch.interaction_sid,
            channel_sid=ch.sid,
            type=kind,
            status="active",
            from_=from_ if isinstance(from_, str) else None,
            to=to,
            note_sid=body.get("note_sid"),
            summary_sid=body.get("summary_sid"),
            date_created=now,
            date_updated=now,
        )
        if tr.from_ is not None:
            for p in ch.participants.values():
                if tr.from_ in (p.sid, p.worker_sid):
                    tr.from_task_sid = p.task_sid
        conv = self.emu.conversations.find(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        if kind == "external":
            customer = next(
                (p for p in self.emu.conversations.participants_of(conv) if p.address is not None),
                None,
            )
            try:
                mb = self.emu.conversations.add_participant(
                    conv,
                    address=to,
                    proxy_address=customer.proxy_address if customer else None,
                    hooks=True,
                )
            except ApiError:
                tr.status = "failed"
            else:
                self._add_channel_participant(
                    ch,
                    "external",
                    {"address": to, "conversation_sid": conv.sid},
                    conversation_participant_sid=mb.sid,
                )
                tr.status = "completed"
        else:
            props: dict[str, Any] = dict(
                self.interactions[ch.interaction_sid].requested_routing.get("properties") or {}
            )
            props.pop("worker_sid", None)
            props.pop("queue_sid", None)
            if to.startswith("WK"):
                props["worker_sid"] = to
            elif to.startswith("WQ"):
                props["queue_sid"] = to
            else:
                raise bad_request(
                    "to must be a worker (WK) or queue (WQ) SID for warm and cold transfers"
                )
            task = self._create_task(
                ch, conv, props, extra={"transferSid": tr.sid, "transferType": kind}
            )
            tr.task_sid = task.sid
            ch.task_sids.append(task.sid)
        ch.transfers[tr.sid] = tr
        return tr
