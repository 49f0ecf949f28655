"""Flex v1: Configuration and the Interactions API (channels, participants, invites, transfers).

Configuration: ``GET``/``POST /v1/Configuration``.  The POST body is JSON, needs ``account_sid``
and replaces every top-level key it names wholesale, so posting one ``channel_configs`` entry drops
the others (as Twilio does).

Interactions: creating one answers 200 at once with the interaction channel (``UO…``) in
``setup``; the work happens when the virtual clock next ticks (``emu.advance(0)`` or more): the
channel becomes ``active`` and a TaskRouter task is created with Flex's linking attributes, or the
channel becomes ``failed`` with an error code (no such conversation, workspace or workflow).
When a worker accepts a reservation for such a task, Flex adds the agent to the conversation with
the ``agent`` role and as an interaction channel participant.  When the task completes, Flex
removes the agent and closes the conversation and the channel (Flex's default clean-up).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._base import ApiError, EmuRequest, EmuResponse, bad_request, is_sid, iso, not_found, paginate

if TYPE_CHECKING:
    from .conversations.api import Conversation
    from .core import Emulator

PRODUCT = "flex-api"
DEFAULT_BASE = "https://flex-api.twilio.com"

CHANNEL_TYPES = ("voice", "sms", "email", "web", "whatsapp", "chat", "messenger", "gbm")
CHANNEL_STATUSES = ("setup", "active", "failed", "closed", "inactive", "pause", "transfer")
PARTICIPANT_TYPES = ("supervisor", "customer", "external", "agent", "unknown")
TRANSFER_TYPES = ("warm", "cold", "external")

_COMMON_EXT = ["jpg", "jpeg", "png", "amr", "mp3", "mp4", "pdf", "heic"]

#: Twilio's per-channel attachment defaults (address_type, count, max file, max total, extensions).
DEFAULT_CHANNEL_CONFIGS: tuple[tuple[str, int, int, int, list[str]], ...] = (
    ("web", 1, 16_777_216, 67_108_864, [*_COMMON_EXT, "txt", "gif"]),
    ("sms", 1, 2_097_152, 5_242_880, list(_COMMON_EXT)),
    ("whatsapp", 1, 16_777_216, 67_108_864, [*_COMMON_EXT, "oga"]),
    ("email", 10, 157_286_400, 157_286_400, [*_COMMON_EXT, "txt", "gif"]),
    ("messenger", 1, 26_214_400, 26_214_400, ["jpg", "jpeg", "png", "mp3", "mp4", "pdf"]),
    ("gbm", 1, 5_242_880, 5_242_880, ["jpg", "jpeg", "png"]),
)

#: Fields of the configuration that POST cannot change.
_READ_ONLY = frozenset({"account_sid", "date_created", "date_updated", "url"})


def default_channel_configs() -> list[dict[str, Any]]:
    """A new account's ``channel_configs``, one entry per address type."""
    return [
        {
            "address_type": kind,
            "cbm_attachments": {
                "enabled": True,
                "number_of_attachments": count,
                "max_file_size": max_file,
                "max_total_file_size": max_total,
                "accepted_extensions": list(exts),
            },
        }
        for kind, count, max_file, max_total, exts in DEFAULT_CHANNEL_CONFIGS
    ]


@dataclass
class ChannelParticipant:
    """An interaction channel participant (``UT…``)."""

    sid: str
    type: str
    interaction_sid: str
    channel_sid: str
    media_properties: dict[str, Any]
    routing_properties: dict[str, Any] | None
    #: ``active``, ``wrapup`` or ``closed`` (not part of the API representation).
    status: str = "active"
    conversation_participant_sid: str | None = None
    worker_sid: str | None = None
    task_sid: str | None = None

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "type": self.type,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Participants/{self.sid}",
            "routing_properties": self.routing_properties,
        }


@dataclass
class Invite:
    """An interaction channel invite (``KG…``): a task routed to a worker or a queue."""

    sid: str
    interaction_sid: str
    channel_sid: str
    routing: dict[str, Any]
    task_sid: str | None = None

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "routing": self.routing,
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Invites/{self.sid}",
        }


@dataclass
class Transfer:
    """An interaction transfer (``UX…``): warm, cold or external."""

    sid: str
    interaction_sid: str
    channel_sid: str
    type: str
    status: str
    from_: str | None
    to: str | None
    note_sid: str | None
    summary_sid: str | None
    date_created: datetime
    date_updated: datetime
    task_sid: str | None = None
    from_task_sid: str | None = None

    def to_json(
        self, account_sid: str, instance_sid: str, base: str = DEFAULT_BASE
    ) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "instance_sid": instance_sid,
            "account_sid": account_sid,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "execution_sid": None,
            "type": self.type,
            "status": self.status,
            "from": self.from_,
            "to": self.to,
            "note_sid": self.note_sid,
            "summary_sid": self.summary_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Transfers/{self.sid}",
        }


@dataclass
class InteractionChannel:
    """An interaction channel (``UO…``): the media channel (a conversation) plus its tasks."""

    sid: str
    interaction_sid: str
    type: str
    initiated_by: str
    status: str = "setup"
    error_code: int | None = None
    error_message: str | None = None
    media_channel_sid: str | None = None
    workspace_sid: str | None = None
    task_sids: list[str] = field(default_factory=list)
    participants: dict[str, ChannelParticipant] = field(default_factory=dict)
    invites: dict[str, Invite] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.sid}"
        return {
            "sid": self.sid,
            "interaction_sid": self.interaction_sid,
            "type": self.type,
            "status": self.status,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "url": url,
            "links": {
                "participants": f"{url}/Participants",
                "invites": f"{url}/Invites",
                "transfers": f"{url}/Transfers",
            },
        }


@dataclass
class Interaction:
    """An interaction (``KD…``) with its channels."""

    sid: str
    channel: dict[str, Any]
    routing: dict[str, Any]
    interaction_context_sid: str | None
    webhook_ttid: str | None
    date_created: datetime
    channels: dict[str, InteractionChannel] = field(default_factory=dict)

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Interactions/{self.sid}"
        channel = dict(self.channel)
        if self.channels:
            channel["sid"] = next(iter(self.channels))
        return {
            "sid": self.sid,
            "channel": channel,
            "routing": self.routing,
            "url": url,
            "links": {"channels": f"{url}/Channels"},
            "interaction_context_sid": self.interaction_context_sid,
            "webhook_ttid": self.webhook_ttid,
        }


def _json_object(req: EmuRequest, name: str, *, required: bool = False) -> dict[str, Any] | None:
    value = req.json_value(name)
    if value is None:
        if required:
            raise bad_request(f"Missing required parameter {name}")
        return None
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be a JSON object")
    return value


class Flex:
    """The Flex product: Configuration and Interactions, plus Flex's reactions to TaskRouter."""

    #: ``"flex"``: Flex adds agents on accept and cleans up on completion (the default).
    #: ``"custom"``: Flex adds nobody and cleans up nothing (custom orchestration).
    orchestration: str = "flex"

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.instance_sid = emu.sids.new("GO")
        self.flex_service_instance_sid = emu.sids.new("IS")
        self.interactions: dict[str, Interaction] = {}
        self._channels: dict[str, InteractionChannel] = {}
        self._busy: set[str] = set()
        now = emu.clock.now()
        self.configuration: dict[str, Any] = self._default_configuration(now)
        self._register()
        bus = emu.bus
        bus.subscribe("taskrouter.reservation.accepted", self._on_accepted)
        bus.subscribe("taskrouter.reservation.rejected", self._on_not_accepted)
        bus.subscribe("taskrouter.reservation.timeout", self._on_not_accepted)
        bus.subscribe("taskrouter.task.updated", self._on_task_updated)
        bus.subscribe("conversations.conversation.state_updated", self._on_conversation_state)

    # ------------------------------------------------------------------ configuration
    def _default_configuration(self, now: datetime) -> dict[str, Any]:
        conv = self.emu.conversations
        acc = self.emu.account_sid
        return {
            "account_sid": acc,
            "date_created": iso(now),
            "date_updated": iso(now),
            "attributes": {},
            "status": "ok",
            "taskrouter_workspace_sid": None,
            "taskrouter_target_workflow_sid": None,
            "taskrouter_target_taskqueue_sid": None,
            "taskrouter_taskqueues": [],
            "taskrouter_skills": [],
            "taskrouter_worker_channels": {},
            "taskrouter_worker_attributes": {},
            "taskrouter_offline_activity_sid": None,
            "runtime_domain": f"flexconv-emulator-{acc[-4:]}.twil.io",
            "messaging_service_instance_sid": conv.messaging_service_sid,
            "chat_service_instance_sid": conv.chat_service_sid,
            "flex_service_instance_sid": self.flex_service_instance_sid,
            "flex_instance_sid": self.instance_sid,
            "ui_language": "en",
            "ui_attributes": {},
            "ui_dependencies": {},
            "ui_version": "2.13.0",
            "service_version": "1.0",
            "call_recording_enabled": False,
            "call_recording_webhook_url": None,
            "crm_enabled": False,
            "crm_type": None,
            "crm_callback_url": None,
            "crm_fallback_url": None,
            "crm_attributes": {},
            "public_attributes": {},
            "plugin_service_enabled": True,
            "plugin_service_attributes": {},
            "integrations": [],
            "outbound_call_flows": {},
            "serverless_service_sids": [],
            "queue_stats_configuration": {},
            "notifications": {},
            "markdown": {},
            "url": f"{DEFAULT_BASE}/v1/Configuration",
            "flex_insights_hr": {},
            "flex_insights_drilldown": False,
            "flex_url": f"https://flex.twilio.com/{acc}",
            "channel_configs": default_channel_configs(),
            "debugger_integration": {},
            "flex_ui_status_report": {},
            "agent_conv_end_methods": {},
            "citrix_voice_vdi": {},
            "offline_config": {},
        }

    def configuration_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        out = copy.deepcopy(self.configuration)
        out["url"] = f"{base}/v1/Configuration"
        return out

    def update_configuration(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Replace each named top-level key wholesale (unknown and read-only keys are ignored)."""
        for key, value in changes.items():
            if key in _READ_ONLY or key not in self.configuration:
                continue
            self.configuration[key] = copy.deepcopy(value)
        self.configuration["date_updated"] = iso(self.emu.clock.now())
        return self.configuration

    # ------------------------------------------------------------------ interactions (Python API)
    def channel(self, sid: str) -> InteractionChannel:
        ch = self._channels.get(sid)
        if ch is None:
            raise not_found(f"/v1/Interactions/Channels/{sid}")
        return ch

    def get(self, sid: str) -> Interaction:
        found = self.interactions.get(sid)
        if found is None:
            raise not_found(f"/v1/Interactions/{sid}")
        return found

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
        self.emu.clock.call_later(0, lambda: self._activate(inter, ch))
        return inter

    def _fail(self, ch: InteractionChannel, code: int, message: str) -> None:
        ch.status = "failed"
        ch.error_code = code
        ch.error_message = message
        self.emu.bus.emit("flex.channel.failed", channel=ch)

    def _activate(self, inter: Interaction, ch: InteractionChannel) -> None:
        if ch.status != "setup":
            return
        convs = self.emu.conversations
        try:
            conv = self._media_conversation(inter, ch)
        except ApiError as err:
            self._fail(ch, err.code, err.message)
            return
        ch.media_channel_sid = conv.sid
        props: dict[str, Any] = dict(inter.routing.get("properties") or {})
        try:
            task = self._create_task(ch, conv, props, extra={})
        except ApiError as err:
            self._fail(ch, err.code, err.message)
            return
        ch.status = "active"
        if task is not None:
            ch.task_sids.append(task.sid)
        for p in list(conv.participants.values()):
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
        for hook in list(conv.webhooks.values()):
            if hook.target == "studio":
                del conv.webhooks[hook.sid]
        self.emu.bus.emit("flex.channel.activated", channel=ch, conversation=conv)

    def _media_conversation(self, inter: Interaction, ch: InteractionChannel) -> Conversation:
        convs = self.emu.conversations
        if ch.media_channel_sid:
            conv = convs.conversations.get(ch.media_channel_sid)
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
        customer = next((p for p in conv.participants.values() if p.address is not None), None)
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
            conv = self.emu.conversations.conversations.get(ch.media_channel_sid or "")
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
                    self._finish_task(ch, p.task_sid, complete=True, reason="Participant closed")
        p.status = status
        if status == "closed":
            self._remove_from_conversation(ch, p)

    def _remove_from_conversation(self, ch: InteractionChannel, p: ChannelParticipant) -> None:
        convs = self.emu.conversations
        conv = convs.conversations.get(ch.media_channel_sid or "")
        if conv is None or p.conversation_participant_sid is None:
            return
        mb = conv.participants.get(p.conversation_participant_sid)
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
        conv = self.emu.conversations.conversations.get(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        inv = Invite(self.emu.sids.new("KG"), ch.interaction_sid, ch.sid, copy.deepcopy(routing))
        task = self._create_task(ch, conv, dict(props), extra={"flexChannelInviteSid": inv.sid})
        if ch.status == "inactive":
            ch.status = "active"
            if conv.state == "inactive":
                self.emu.conversations.set_state(conv, "active", hooks=True, source="API")
        inv.task_sid = task.sid
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
        conv = self.emu.conversations.conversations.get(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        if kind == "external":
            customer = next((p for p in conv.participants.values() if p.address is not None), None)
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
                self.interactions[ch.interaction_sid].routing.get("properties") or {}
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

    # ------------------------------------------------------------------ reactions to TaskRouter
    def _channel_of_task(self, task: Any) -> InteractionChannel | None:
        attrs = task.attributes if isinstance(task.attributes, dict) else {}
        ch = self._channels.get(str(attrs.get("flexInteractionChannelSid", "")))
        if ch is not None and task.sid in ch.task_sids:
            return ch
        return None

    def _on_accepted(self, task: Any, reservation: Any, worker: Any, **_: Any) -> None:
        ch = self._channel_of_task(task)
        if ch is None or self.orchestration != "flex":
            return
        convs = self.emu.conversations
        conv = convs.conversations.get(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            return
        identity = _worker_identity(worker)
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
        ch = self._channel_of_task(task)
        if ch is None:
            return
        for tr in ch.transfers.values():
            if tr.task_sid == task.sid and tr.status == "active" and (tr.to or "").startswith("WK"):
                tr.status = "failed"
                tr.date_updated = self.emu.clock.now()

    def _on_task_updated(self, task: Any, previous_status: str | None = None, **_: Any) -> None:
        ch = self._channel_of_task(task)
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
                conv = self.emu.conversations.conversations.get(ch.media_channel_sid or "")
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

    # ------------------------------------------------------------------ REST
    def _register(self) -> None:
        add = self.emu.router.add
        p = PRODUCT
        add("GET", p, "/v1/Configuration", self._h_get_configuration)
        add("POST", p, "/v1/Configuration", self._h_update_configuration)
        add("POST", p, "/v1/Interactions", self._h_create)
        add("GET", p, "/v1/Interactions/{Sid}", self._h_fetch)
        add("POST", p, "/v1/Interactions/{Sid}", self._h_update)
        c = "/v1/Interactions/{InteractionSid}/Channels"
        add("GET", p, c, self._h_list_channels)
        add("GET", p, f"{c}/{{Sid}}", self._h_fetch_channel)
        add("POST", p, f"{c}/{{Sid}}", self._h_update_channel)
        add("GET", p, f"{c}/{{ChannelSid}}/Participants", self._h_list_participants)
        add("POST", p, f"{c}/{{ChannelSid}}/Participants", self._h_add_participant)
        add("POST", p, f"{c}/{{ChannelSid}}/Participants/{{Sid}}", self._h_update_participant)
        add("GET", p, f"{c}/{{ChannelSid}}/Invites", self._h_list_invites)
        add("POST", p, f"{c}/{{ChannelSid}}/Invites", self._h_invite)
        add("POST", p, f"{c}/{{ChannelSid}}/Transfers", self._h_transfer)
        add("GET", p, f"{c}/{{ChannelSid}}/Transfers/{{Sid}}", self._h_fetch_transfer)
        add("POST", p, f"{c}/{{ChannelSid}}/Transfers/{{Sid}}", self._h_update_transfer)

    def _h_get_configuration(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self.configuration_json(req.base_url))

    def _h_update_configuration(self, req: EmuRequest) -> EmuResponse:
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        account = body.get("account_sid")
        if not account:
            raise bad_request("Missing required parameter account_sid in the post body")
        if account != self.emu.account_sid:
            raise bad_request(f"account_sid {account} does not match the authenticated account")
        self.update_configuration(body)
        return EmuResponse.json(200, self.configuration_json(req.base_url))

    def _h_create(self, req: EmuRequest) -> EmuResponse:
        channel = _json_object(req, "Channel", required=True)
        assert channel is not None
        inter = self.create_interaction(
            channel,
            _json_object(req, "Routing"),
            interaction_context_sid=req.value("InteractionContextSid"),
            webhook_ttid=req.value("WebhookTtid"),
        )
        return EmuResponse.json(200, inter.to_json(req.base_url))

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self.get(req.params["Sid"]).to_json(req.base_url))

    def _h_update(self, req: EmuRequest) -> EmuResponse:
        inter = self.get(req.params["Sid"])
        if req.has("WebhookTtid"):
            inter.webhook_ttid = req.value("WebhookTtid")
        return EmuResponse.json(200, inter.to_json(req.base_url))

    def _chan(self, req: EmuRequest, key: str = "ChannelSid") -> InteractionChannel:
        inter = self.get(req.params["InteractionSid"])
        ch = inter.channels.get(req.params[key])
        if ch is None:
            raise not_found(req.path)
        return ch

    def _h_list_channels(self, req: EmuRequest) -> EmuResponse:
        inter = self.get(req.params["InteractionSid"])
        items = [c.to_json(req.base_url) for c in inter.channels.values()]
        return paginate(req, items, "channels", 1000)

    def _h_fetch_channel(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._chan(req, "Sid").to_json(req.base_url))

    def _h_update_channel(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req, "Sid")
        status = req.value("Status")
        if status is None:
            raise bad_request("Missing required parameter Status")
        routing = _json_object(req, "Routing")
        routing_status = routing.get("status") if routing else None
        self.close_channel(ch, status, routing_status)
        return EmuResponse.json(200, ch.to_json(req.base_url))

    def _h_list_participants(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        items = [p.to_json(req.base_url) for p in ch.participants.values()]
        return paginate(req, items, "participants", 1000)

    def _h_add_participant(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        kind = req.value("Type")
        if kind not in PARTICIPANT_TYPES:
            raise bad_request(f"Invalid Type {kind!r}")
        media = _json_object(req, "MediaProperties", required=True)
        assert media is not None
        routing = _json_object(req, "RoutingProperties")
        if ch.status not in ("active", "inactive"):
            raise bad_request(f"Interaction channel {ch.sid} is {ch.status}")
        convs = self.emu.conversations
        conv = convs.conversations.get(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        for p in ch.participants.values():
            if p.status != "closed" and (
                (
                    media.get("identity")
                    and p.media_properties.get("identity") == media.get("identity")
                )
                or (
                    media.get("address")
                    and p.media_properties.get("address") == media.get("address")
                )
            ):
                raise ApiError(409, 80102, "Participant already in interaction")
        try:
            mb = convs.add_participant(
                conv,
                identity=media.get("identity"),
                address=media.get("address"),
                proxy_address=media.get("proxy_address"),
                role_sid=convs.agent_role_sid
                if kind in ("agent", "supervisor") and media.get("identity")
                else None,
                hooks=True,
            )
        except ApiError as err:
            if err.code in (50416, 50433):
                raise ApiError(
                    409, 80102, f"Participant already in interaction: {err.message}"
                ) from None
            raise
        p = self._add_channel_participant(
            ch,
            kind,
            {**media, "conversation_sid": conv.sid},
            routing=routing,
            conversation_participant_sid=mb.sid,
        )
        return EmuResponse.json(200, p.to_json(req.base_url))

    def _h_update_participant(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        p = ch.participants.get(req.params["Sid"])
        if p is None:
            raise not_found(req.path)
        status = req.value("Status")
        if status is None:
            raise bad_request("Missing required parameter Status")
        self.update_participant(ch, p, status)
        return EmuResponse.json(200, p.to_json(req.base_url))

    def _h_list_invites(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        return paginate(
            req, [i.to_json(req.base_url) for i in ch.invites.values()], "invites", 1000
        )

    def _h_invite(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        routing = _json_object(req, "Routing", required=True)
        assert routing is not None
        return EmuResponse.json(200, self.invite(ch, routing).to_json(req.base_url))

    def _transfer_json(self, tr: Transfer, base: str) -> dict[str, Any]:
        return tr.to_json(self.emu.account_sid, self.instance_sid, base)

    def _h_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        return EmuResponse.json(201, self._transfer_json(self.transfer(ch, body), req.base_url))

    def _h_fetch_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        tr = ch.transfers.get(req.params["Sid"])
        if tr is None:
            raise not_found(req.path)
        return EmuResponse.json(200, self._transfer_json(tr, req.base_url))

    def _h_update_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        tr = ch.transfers.get(req.params["Sid"])
        if tr is None:
            raise not_found(req.path)
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        status = body.get("status")
        if status is not None:
            if status not in ("active", "failed", "completed"):
                raise bad_request("status must be active, failed or completed")
            tr.status = status
        for key in ("note_sid", "summary_sid"):
            if key in body:
                setattr(tr, key, body[key])
        tr.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, self._transfer_json(tr, req.base_url))

    # ------------------------------------------------------------------ inspection
    def snapshot(self) -> dict[str, Any]:
        return {
            "configuration": copy.deepcopy(self.configuration),
            "interactions": [
                {
                    **i.to_json(),
                    "channels": [
                        {
                            **c.to_json(),
                            "media_channel_sid": c.media_channel_sid,
                            "task_sids": list(c.task_sids),
                            "participants": [
                                {
                                    **p.to_json(),
                                    "status": p.status,
                                    "media_properties": p.media_properties,
                                }
                                for p in c.participants.values()
                            ],
                            "invites": [v.to_json() for v in c.invites.values()],
                            "transfers": [
                                self._transfer_json(t, DEFAULT_BASE) for t in c.transfers.values()
                            ],
                        }
                        for c in i.channels.values()
                    ],
                }
                for i in self.interactions.values()
            ],
        }


def _worker_identity(worker: Any) -> str:
    """The chat identity Flex uses for a worker: ``contact_uri`` without ``client:``."""
    attrs = worker.attributes if isinstance(getattr(worker, "attributes", None), dict) else {}
    uri = attrs.get("contact_uri")
    if isinstance(uri, str) and uri:
        return uri.removeprefix("client:")
    return str(worker.friendly_name)
