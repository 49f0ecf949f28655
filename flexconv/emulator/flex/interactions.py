"""Flex's Interactions engine: creating an interaction, its asynchronous set-up on the next
clock tick (media conversation, TaskRouter task with Flex's linking attributes) and channel
participants."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, bad_request, is_sid
from flexconv.emulator.flex.entities import (
    CHANNEL_TYPES,
    ChannelParticipant,
    Interaction,
    InteractionChannel,
    Invite,
)
from flexconv.emulator.flex.state import FlexState

if TYPE_CHECKING:
    from flexconv.emulator.conversations.api import Conversation


class FlexInteractions(FlexState):
    """Creates interactions and activates their channels."""

    def create_interaction(
        self,
        channel: dict[str, Any],
        routing: dict[str, Any] | None = None,
        *,
        interaction_context_sid: str | None = None,
        webhook_ttid: str | None = None,
    ) -> Interaction:
        """Accept an interaction; its channel stays in ``setup`` until the clock ticks."""
        kind = channel.get("type")
        if kind not in CHANNEL_TYPES:
            raise bad_request(
                f"Invalid Channel.type {kind!r}: expected one of {', '.join(CHANNEL_TYPES)}"
            )
        initiated_by = str(channel.get("initiated_by") or "customer")
        props = channel.get("properties") or {}
        if not isinstance(props, dict):
            raise bad_request("Channel.properties must be a JSON object")
        if routing is not None and not isinstance(routing.get("properties", {}), dict):
            raise bad_request("Routing.properties must be a JSON object")
        if interaction_context_sid is not None and not is_sid(interaction_context_sid, "HQ"):
            raise bad_request("InteractionContextSid must be an HQ SID")
        inter = Interaction(
            sid=self.emu.sids.new("KD"),
            channel=copy.deepcopy(channel),
            routing=copy.deepcopy(routing or {}),
            interaction_context_sid=interaction_context_sid,
            webhook_ttid=webhook_ttid,
            date_created=self.emu.clock.now(),
            requested_routing=copy.deepcopy(routing or {}),
        )
        ch = InteractionChannel(
            sid=self.emu.sids.new("UO"),
            interaction_sid=inter.sid,
            type=kind,
            initiated_by=initiated_by,
            media_channel_sid=props.get("media_channel_sid"),
        )
        inter.channels[ch.sid] = ch
        self.interactions[inter.sid] = inter
        self._channels[ch.sid] = ch
        # Twilio creates the task at once and answers it in ``routing.properties``; the channel
        # itself is set up asynchronously (``setup`` until the clock ticks).
        failure: ApiError | None = None
        try:
            self._route(inter, ch)
        except ApiError as err:
            failure = err
        self.emu.clock.call_later(0, lambda: self._activate(inter, ch, failure))
        return inter

    def _route(self, inter: Interaction, ch: InteractionChannel) -> None:
        conv = self._media_conversation(inter, ch)
        ch.media_channel_sid = conv.sid
        props: dict[str, Any] = dict(inter.requested_routing.get("properties") or {})
        extra: dict[str, Any] = {}
        invite: Invite | None = None
        if ch.initiated_by == "agent" and props.get("worker_sid"):
            # Flex routes an agent-initiated interaction to its agent through an invite.
            invite = Invite(
                self.emu.sids.new("KG"),
                inter.sid,
                ch.sid,
                copy.deepcopy(inter.requested_routing),
            )
            extra["flexChannelInviteSid"] = invite.sid
        task = self._create_task(ch, conv, props, extra=extra)
        if task is None:
            return
        ch.task_sids.append(task.sid)
        inter.routing = self._task_routing(props, task)
        if invite is not None:
            invite.task_sid = task.sid
            invite.routing = inter.routing
            ch.invites[invite.sid] = invite

    def _task_routing(self, props: dict[str, Any], task: Any) -> dict[str, Any]:
        """``routing`` as Twilio answers it: the request's properties overlaid with the task."""
        now = self.emu.clock.now()
        queue = task.task_queue
        workflow = task.workflow
        entered = task.task_queue_entered_date

        def epoch(value: Any) -> int | None:
            return None if value is None else int(value.timestamp())

        return {
            "reservation": None,
            "properties": {
                **props,
                "account_sid": task.workspace.account_sid,
                "workspace_sid": task.workspace_sid,
                "sid": task.sid,
                "date_created": epoch(task.date_created),
                "date_updated": epoch(task.date_updated),
                "task_queue_entered_date": epoch(entered),
                "attributes": json.dumps(task.attributes),
                "assignment_status": task.assignment_status,
                "workflow_sid": task.workflow_sid,
                "workflow_name": workflow.friendly_name if workflow else None,
                "queue_sid": task.task_queue_sid,
                "queue_name": queue.friendly_name if queue else None,
                "priority": task.priority,
                "age": task.age(now),
                "age_in_queue": int((now - entered).total_seconds()) if entered else 0,
                "reason": task.reason or "",
                "timeout": task.timeout,
                "assignmentCounter": len(task.reservations),
                "task_channel_sid": task.task_channel_sid,
                "task_channel_unique_name": task.task_channel_unique_name,
                "routing_target": task.routing_target,
                "addons": "{}",
            },
        }

    def _fail(self, ch: InteractionChannel, code: int, message: str) -> None:
        ch.status = "failed"
        ch.error_code = code
        ch.error_message = message
        self.emu.bus.emit("flex.channel.failed", channel=ch)

    def _activate(
        self, inter: Interaction, ch: InteractionChannel, failure: ApiError | None = None
    ) -> None:
        if ch.status != "setup":
            return
        if failure is not None:
            self._fail(ch, failure.code, failure.message)
            return
        convs = self.emu.conversations
        conv = convs.find(ch.media_channel_sid or "")
        if conv is None:
            self._fail(ch, 20404, f"Conversation {ch.media_channel_sid} was not found")
            return
        ch.status = "active"
        for p in convs.participants_of(conv):
            if p.address is not None or (
                p.identity is not None and p.role_sid != convs.agent_role_sid
            ):
                if ch.initiated_by == "agent" and p.identity is not None:
                    continue
                media: dict[str, Any] = {"conversation_sid": conv.sid, "participant_sid": p.sid}
                if p.address is not None:
                    media.update(address=p.address, proxy_address=p.proxy_address, type=ch.type)
                else:
                    media.update(identity=p.identity)
                self._add_channel_participant(
                    ch, "customer", media, conversation_participant_sid=p.sid
                )
        # Send to Flex hands the conversation over: the Studio webhook is removed.
        convs.remove_studio_webhooks(conv)
        self.emu.bus.emit("flex.channel.activated", channel=ch, conversation=conv)

    def _media_conversation(self, inter: Interaction, ch: InteractionChannel) -> Conversation:
        convs = self.emu.conversations
        if ch.media_channel_sid:
            conv = convs.find(ch.media_channel_sid)
            if conv is None:
                raise ApiError(404, 20404, f"Conversation {ch.media_channel_sid} was not found")
            if conv.closed:
                raise ApiError(400, 20001, f"Conversation {conv.sid} is closed")
            return conv
        parts = inter.channel.get("participants") or []
        if not parts or not isinstance(parts, list):
            raise ApiError(400, 20001, "Channel needs properties.media_channel_sid or participants")
        for spec in parts:
            address = spec.get("address") if isinstance(spec, dict) else None
            if address is not None:
                held = convs.open_binding(address, spec.get("proxy_address"))
                if held is not None:
                    raise ApiError(
                        409,
                        80102,
                        f"Participant already in an open conversation: {held[0].sid}",
                    )
        conv = convs.create(friendly_name=None, hooks=True, source="API")
        for spec in parts:
            if isinstance(spec, dict):
                convs.add_participant(
                    conv,
                    identity=spec.get("identity"),
                    address=spec.get("address"),
                    proxy_address=spec.get("proxy_address"),
                    hooks=True,
                )
        return conv

    def _create_task(
        self,
        ch: InteractionChannel,
        conv: Conversation,
        props: dict[str, Any],
        *,
        extra: dict[str, Any],
    ) -> Any:
        """Create the TaskRouter task for a channel from Routing properties."""
        tr = self.emu.taskrouter
        workspace_sid = props.get("workspace_sid") or self.configuration.get(
            "taskrouter_workspace_sid"
        )
        if not workspace_sid:
            raise ApiError(400, 20001, "Routing.properties.workspace_sid is required")
        customer = next(
            (p for p in self.emu.conversations.participants_of(conv) if p.address is not None),
            None,
        )
        attributes: dict[str, Any] = {}
        if customer is not None:
            attributes.update(
                {
                    "customerAddress": customer.address,
                    "from": customer.address,
                    "name": customer.address,
                }
            )
        user_attrs = props.get("attributes") or {}
        if isinstance(user_attrs, str):
            try:
                user_attrs = json.loads(user_attrs)
            except ValueError:
                raise ApiError(
                    400, 20001, "Routing.properties.attributes is not valid JSON"
                ) from None
        if not isinstance(user_attrs, dict):
            raise ApiError(400, 20001, "Routing.properties.attributes must be a JSON object")
        attributes.update(user_attrs)
        attributes.update(extra)
        attributes.update(
            {
                "channelType": ch.type,
                "conversationSid": conv.sid,
                "flexInteractionSid": ch.interaction_sid,
                "flexInteractionChannelSid": ch.sid,
                "initiatedBy": ch.initiated_by,
                "direction": "outbound" if ch.initiated_by == "agent" else "inbound",
                "conversations": {
                    **(attributes.get("conversations") or {}),
                    "conversation_id": ch.interaction_sid,
                    "initiated_by": ch.initiated_by,
                    "media": [{"type": "ChatTranscript", "conversation_sid": conv.sid}],
                },
            }
        )
        for key in ("worker_sid", "queue_sid"):
            if props.get(key):
                attributes[key] = props[key]
        channel = props.get("task_channel_unique_name") or props.get("task_channel_sid")
        if props.get("worker_sid") or props.get("queue_sid"):
            task = tr.create_direct_task(
                workspace_sid,
                attributes=attributes,
                task_queue_sid=props.get("queue_sid"),
                worker_sid=props.get("worker_sid"),
                task_channel=channel,
                priority=props.get("priority"),
                timeout=props.get("timeout"),
            )
        else:
            task = tr.create_task(
                workspace_sid,
                attributes=attributes,
                workflow_sid=props.get("workflow_sid"),
                task_channel=channel,
                priority=props.get("priority"),
                timeout=props.get("timeout"),
            )
        ch.workspace_sid = workspace_sid
        return task

    def _add_channel_participant(
        self,
        ch: InteractionChannel,
        kind: str,
        media: dict[str, Any],
        *,
        routing: dict[str, Any] | None = None,
        conversation_participant_sid: str | None = None,
        worker_sid: str | None = None,
        task_sid: str | None = None,
    ) -> ChannelParticipant:
        p = ChannelParticipant(
            sid=self.emu.sids.new("UT"),
            type=kind,
            interaction_sid=ch.interaction_sid,
            channel_sid=ch.sid,
            media_properties=media,
            routing_properties=routing,
            conversation_participant_sid=conversation_participant_sid,
            worker_sid=worker_sid,
            task_sid=task_sid,
        )
        ch.participants[p.sid] = p
        return p
