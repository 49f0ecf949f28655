"""Declarative seeding: ``Emulator.from_scenario(spec)`` / ``emu.seed(spec)``.

A scenario is a plain dict (it loads from JSON or YAML as is); names stand in for SIDs::

    {
      "workspace": {                       # TaskRouter (see TaskRouter.seed)
        "friendly_name": "Flex Task Assignment",
        "activities": [{"friendly_name": "Available", "available": true}, ...],
        "task_channels": [{"unique_name": "chat", "friendly_name": "Chat"}],
        "task_queues": [{"friendly_name": "Everyone", "target_workers": "1==1"}],
        "workers": [{"friendly_name": "alice", "attributes": {...}, "activity": "Available"}],
        "workflows": [{"friendly_name": "Assign to Anyone",
                       "configuration": {"task_routing": {"filters": [],
                                         "default_filter": {"queue": "Everyone"}}}}]
      },
      "flex": {"workflow": "Assign to Anyone", "task_queue": "Everyone"},   # Flex Configuration
      "flows": [{"friendly_name": "Messaging Flow",                          # Studio
                 "send_to_flex": {"workflow": "Assign to Anyone", "task_channel": "chat"}}],
                 # or "definition": {...} for any flow definition
      "addresses": [{"type": "sms", "address": "+15005550006",              # Conversations
                     "auto_creation": {"type": "studio", "flow": "Messaging Flow"}}],
                     # or {"type": "webhook", "webhook_url": ..., "webhook_method": "post",
                     #     "webhook_filters": ["onMessageAdded"]}
      "conversation_webhooks": {"post_webhook_url": ..., "filters": [...], "method": "POST"},
      "phone_numbers": [{"phone_number": "+15005550007", "sms_url": ...}]   # 2010 API numbers
                     # (every sms address that is a phone number is one too)
      "messaging_services": [{"friendly_name": "Notifications",             # Messaging API
                              "inbound_request_url": ..., "phone_numbers": ["+15005550007"]}]
      "media": [{"filename": "receipt.png", "content_type": "image/png", "size": 2048}]
                 # media a Message's MediaSid may name (what an upload to Twilio's Media Content
                 # Service would hold); Seeded.media maps each filename to its ME SID
    }

`apply_scenario()` returns a `Seeded` with the SIDs by name.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._base import bad_request
from .conversations.api import AutoCreation
from .studio.api import messaging_flow_definition

if TYPE_CHECKING:
    from .emulator import Emulator


@dataclass
class Seeded:
    """The SIDs a scenario created, by name."""

    #: The seeded workspace's SID ("" when the scenario has no workspace).
    workspace_sid: str = ""
    activities: dict[str, str] = field(default_factory=dict)
    workers: dict[str, str] = field(default_factory=dict)
    task_queues: dict[str, str] = field(default_factory=dict)
    task_channels: dict[str, str] = field(default_factory=dict)
    workflows: dict[str, str] = field(default_factory=dict)
    flows: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    phone_numbers: dict[str, str] = field(default_factory=dict)
    #: Messaging Services (``MG…``) by friendly name.
    messaging_services: dict[str, str] = field(default_factory=dict)
    #: Uploaded media (``ME…``) by filename.
    media: dict[str, str] = field(default_factory=dict)

    def worker(self, name: str) -> str:
        """A worker's SID by friendly name."""
        return self.workers[name]


def default_scenario() -> dict[str, Any]:
    """A small contact centre.

    One workspace with Available/Offline activities; two agents, ``alice`` (skills support and
    billing) and ``bob`` (support), both available; an ``Everyone`` queue; a workflow ``Assign to
    Anyone`` with plain queue routing (every task goes to Everyone); Flex's default
    ``Messaging Flow`` whose Send to Flex widget uses that workflow and the ``chat`` task channel;
    and the SMS address ``+15005550006`` routed to Flex through that flow.
    """
    return {
        "workspace": {
            "friendly_name": "Flex Task Assignment",
            "activities": [
                {"friendly_name": "Available", "available": True},
                {"friendly_name": "Offline", "available": False},
            ],
            "task_channels": [{"unique_name": "chat", "friendly_name": "Programmable Chat"}],
            "task_queues": [{"friendly_name": "Everyone", "target_workers": "1==1"}],
            "workers": [
                {
                    "friendly_name": "alice",
                    "activity": "Available",
                    "attributes": {
                        "contact_uri": "client:alice",
                        "full_name": "Alice Agent",
                        "email": "alice@example.com",
                        "routing": {"skills": ["support", "billing"], "levels": {}},
                    },
                },
                {
                    "friendly_name": "bob",
                    "activity": "Available",
                    "attributes": {
                        "contact_uri": "client:bob",
                        "full_name": "Bob Agent",
                        "email": "bob@example.com",
                        "routing": {"skills": ["support"], "levels": {}},
                    },
                },
            ],
            "workflows": [
                {
                    "friendly_name": "Assign to Anyone",
                    "configuration": {
                        "task_routing": {"filters": [], "default_filter": {"queue": "Everyone"}}
                    },
                }
            ],
        },
        "flex": {"workflow": "Assign to Anyone", "task_queue": "Everyone"},
        "flows": [
            {
                "friendly_name": "Messaging Flow",
                "send_to_flex": {"workflow": "Assign to Anyone", "task_channel": "chat"},
            }
        ],
        "addresses": [
            {
                "type": "sms",
                "address": "+15005550006",
                "friendly_name": "Support line",
                "auto_creation": {"type": "studio", "flow": "Messaging Flow"},
            }
        ],
    }


def apply_scenario(emu: Emulator, spec: Mapping[str, Any]) -> Seeded:
    """Create everything ``spec`` describes; returns the SIDs by name."""
    out = Seeded()
    tr = emu.taskrouter
    ws_spec = spec.get("workspace")
    if ws_spec is not None:
        ws = tr.seed(ws_spec)
        out.workspace_sid = ws.sid
        out.activities = {a.friendly_name: a.sid for a in ws.activities.values()}
        out.workers = {w.friendly_name: w.sid for w in ws.workers.values()}
        out.task_queues = {q.friendly_name: q.sid for q in ws.task_queues.values()}
        out.task_channels = {c.unique_name: c.sid for c in ws.task_channels.values()}
        out.workflows = {w.friendly_name: w.sid for w in ws.workflows.values()}
        _configure_flex(emu, out, spec.get("flex") or {})

    for flow_spec in spec.get("flows", ()):
        name = flow_spec["friendly_name"]
        if "definition" in flow_spec:
            definition = copy.deepcopy(flow_spec["definition"])
        else:
            stf = flow_spec.get("send_to_flex") or {}
            definition = messaging_flow_definition(
                _lookup(out.workflows, stf.get("workflow"), "workflow"),
                _lookup(out.task_channels, stf.get("task_channel", "chat"), "task channel"),
            )
        flow = emu.studio.create_flow(name, definition, status=flow_spec.get("status", "published"))
        out.flows[name] = flow.sid

    for addr in spec.get("addresses", ()):
        ac_spec = dict(addr.get("auto_creation") or {})
        ac = AutoCreation()
        if ac_spec:
            ac.enabled = bool(ac_spec.get("enabled", True))
            ac.type = ac_spec.get("type")
            if ac.type == "studio":
                ac.studio_flow_sid = _lookup(
                    out.flows, ac_spec.get("flow") or ac_spec.get("studio_flow_sid"), "flow"
                )
                ac.studio_retry_count = ac_spec.get("studio_retry_count")
            elif ac.type == "webhook":
                ac.webhook_url = ac_spec.get("webhook_url")
                ac.webhook_method = str(ac_spec.get("webhook_method", "POST")).upper()
                ac.webhook_filters = list(ac_spec.get("webhook_filters", ["onMessageAdded"]))
        cfg = emu.conversations.create_address(
            addr["type"],
            addr["address"],
            friendly_name=addr.get("friendly_name"),
            auto_creation=ac,
            address_country=addr.get("address_country"),
        )
        out.addresses[cfg.address] = cfg.sid

    out.phone_numbers = emu.phone_numbers.seed(spec)
    out.messaging_services = emu.messaging.seed(spec)
    for item in spec.get("media", ()):
        if not isinstance(item, Mapping) or not item.get("filename"):
            raise bad_request("Each scenario media entry needs a filename")
        size = item.get("size", 0)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad_request(f"Scenario media {item['filename']!r}: size must be a byte count")
        media = emu.conversations.create_media(
            str(item.get("content_type") or "application/octet-stream"), str(item["filename"]), size
        )
        out.media[media.filename or media.sid] = media.sid

    hooks = spec.get("conversation_webhooks")
    if hooks:
        svc = emu.conversations.service_webhooks
        svc.post_webhook_url = hooks.get("post_webhook_url")
        svc.pre_webhook_url = hooks.get("pre_webhook_url")
        svc.filters = list(hooks.get("filters", []))
        svc.method = str(hooks.get("method", "POST")).upper()
    return out


def _lookup(table: Mapping[str, str], name: Any, what: str) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str):
        raise bad_request(f"Invalid {what} reference {name!r}")
    if name in table.values():
        return name
    if name not in table:
        raise bad_request(f"Scenario names an unknown {what}: {name!r}")
    return table[name]


def _configure_flex(emu: Emulator, out: Seeded, flex_spec: Mapping[str, Any]) -> None:
    config = emu.flex.configuration
    config["taskrouter_workspace_sid"] = out.workspace_sid
    workflow = _lookup(out.workflows, flex_spec.get("workflow"), "workflow")
    if workflow is None and len(out.workflows) == 1:
        workflow = next(iter(out.workflows.values()))
    config["taskrouter_target_workflow_sid"] = workflow
    queue = _lookup(out.task_queues, flex_spec.get("task_queue"), "task queue")
    config["taskrouter_target_taskqueue_sid"] = queue
    config["taskrouter_taskqueues"] = [
        {"sid": sid, "targettable": True} for sid in out.task_queues.values()
    ]
    config["taskrouter_offline_activity_sid"] = out.activities.get("Offline")
    skills: list[str] = []
    for sid in out.workers.values():
        attrs = emu.taskrouter.get_worker(out.workspace_sid, sid).attributes
        routing = attrs.get("routing") if isinstance(attrs, dict) else None
        for skill in (routing or {}).get("skills", []) if isinstance(routing, dict) else []:
            if skill not in skills:
                skills.append(skill)
    config["taskrouter_skills"] = [
        {"name": s, "multivalue": False, "minimum": None, "maximum": None} for s in skills
    ]
