"""Legacy messaging's Flex Flows (``/v1/FlexFlows``): state, Python API and routes.

A Flex Flow ties a contact identity (a number, a page) to a Programmable Chat service and an
integration (a Studio flow, an external URL, or a TaskRouter task).  Accounts on Flex
Conversations have none; the doctor reads them to tell legacy and mixed accounts apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import (
    EmuRequest,
    EmuResponse,
    bad_request,
    iso,
    not_found,
    paginate,
)
from flexconv.emulator.flex.entities import DEFAULT_BASE, PRODUCT

if TYPE_CHECKING:
    from flexconv.emulator.flex.host import FlexHost

__all__ = ["CHANNEL_TYPES", "INTEGRATION_TYPES", "FlexFlow", "FlexFlows"]

CHANNEL_TYPES = ("web", "sms", "facebook", "whatsapp", "line", "custom")
INTEGRATION_TYPES = ("studio", "external", "task")
_INTEGRATION_FIELDS = {
    "Integration.FlowSid": "flow_sid",
    "Integration.Url": "url",
    "Integration.WorkspaceSid": "workspace_sid",
    "Integration.WorkflowSid": "workflow_sid",
    "Integration.Channel": "channel",
    "Integration.Timeout": "timeout",
    "Integration.Priority": "priority",
    "Integration.CreationOnMessage": "creation_on_message",
    "Integration.RetryCount": "retry_count",
}
_INT_FIELDS = ("timeout", "priority", "retry_count")


@dataclass
class FlexFlow:
    """One Flex Flow."""

    sid: str
    friendly_name: str
    chat_service_sid: str
    channel_type: str
    date_created: datetime
    date_updated: datetime
    contact_identity: str | None = None
    enabled: bool = True
    integration_type: str | None = None
    integration: dict[str, Any] = field(default_factory=dict)
    long_lived: bool = False
    janitor_enabled: bool = False

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        """The API representation."""
        return {
            "account_sid": account_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "chat_service_sid": self.chat_service_sid,
            "channel_type": self.channel_type,
            "contact_identity": self.contact_identity,
            "enabled": self.enabled,
            "integration_type": self.integration_type,
            "integration": dict(self.integration),
            "long_lived": self.long_lived,
            "janitor_enabled": self.janitor_enabled,
            "url": f"{base}/v1/FlexFlows/{self.sid}",
        }


class FlexFlows:
    """The account's Flex Flows (``emu.flex.flex_flows``): `create`, `get`, `delete`, routes."""

    def __init__(self, emu: FlexHost) -> None:
        self.emu = emu
        self.flows: dict[str, FlexFlow] = {}
        add = emu.router.add
        add("GET", PRODUCT, "/v1/FlexFlows", self._h_list)
        add("POST", PRODUCT, "/v1/FlexFlows", self._h_create)
        add("GET", PRODUCT, "/v1/FlexFlows/{Sid}", self._h_fetch)
        add("POST", PRODUCT, "/v1/FlexFlows/{Sid}", self._h_update)
        add("DELETE", PRODUCT, "/v1/FlexFlows/{Sid}", self._h_delete)

    # ------------------------------------------------------------------ Python API
    def create(
        self,
        friendly_name: str,
        chat_service_sid: str,
        channel_type: str,
        *,
        contact_identity: str | None = None,
        enabled: bool = True,
        integration_type: str | None = None,
        integration: dict[str, Any] | None = None,
        long_lived: bool = False,
        janitor_enabled: bool = False,
    ) -> FlexFlow:
        """Create a Flex Flow (checked as the API checks it)."""
        _check(friendly_name, chat_service_sid, channel_type, integration_type)
        now = self.emu.clock.now()
        flow = FlexFlow(
            sid=self.emu.sids.new("FO"),
            friendly_name=friendly_name,
            chat_service_sid=chat_service_sid,
            channel_type=channel_type,
            date_created=now,
            date_updated=now,
            contact_identity=contact_identity,
            enabled=enabled,
            integration_type=integration_type,
            integration=dict(integration or {}),
            long_lived=long_lived,
            janitor_enabled=janitor_enabled,
        )
        self.flows[flow.sid] = flow
        return flow

    def get(self, sid: str) -> FlexFlow:
        """A Flex Flow by SID (404 when unknown)."""
        flow = self.flows.get(sid)
        if flow is None:
            raise not_found(f"/v1/FlexFlows/{sid}")
        return flow

    def delete(self, sid: str) -> None:
        """Delete a Flex Flow."""
        del self.flows[self.get(sid).sid]

    # ------------------------------------------------------------------ routes
    def _h_list(self, req: EmuRequest) -> EmuResponse:
        name = req.q("FriendlyName")
        items = [
            f.to_json(self.emu.account_sid, req.base_url)
            for f in self.flows.values()
            if name is None or f.friendly_name == name
        ]
        return paginate(req, items, "flex_flows", 1000, keep_query=("FriendlyName",))

    def _h_create(self, req: EmuRequest) -> EmuResponse:
        flow = self.create(
            req.value("FriendlyName") or "",
            req.value("ChatServiceSid") or "",
            req.value("ChannelType") or "",
            contact_identity=req.value("ContactIdentity"),
            enabled=bool(req.bool_value("Enabled", True)),
            integration_type=req.value("IntegrationType"),
            integration=_integration(req, {}),
            long_lived=bool(req.bool_value("LongLived", False)),
            janitor_enabled=bool(req.bool_value("JanitorEnabled", False)),
        )
        return EmuResponse.json(201, flow.to_json(self.emu.account_sid, req.base_url))

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        flow = self.get(req.params["Sid"])
        return EmuResponse.json(200, flow.to_json(self.emu.account_sid, req.base_url))

    def _h_update(self, req: EmuRequest) -> EmuResponse:
        flow = self.get(req.params["Sid"])
        friendly_name = req.value("FriendlyName", flow.friendly_name) or flow.friendly_name
        chat_service_sid = req.value("ChatServiceSid", flow.chat_service_sid) or ""
        channel_type = req.value("ChannelType", flow.channel_type) or ""
        integration_type = req.value("IntegrationType", flow.integration_type)
        _check(friendly_name, chat_service_sid, channel_type, integration_type)
        flow.friendly_name = friendly_name
        flow.chat_service_sid = chat_service_sid
        flow.channel_type = channel_type
        flow.integration_type = integration_type
        flow.contact_identity = req.value("ContactIdentity", flow.contact_identity)
        flow.integration = _integration(req, flow.integration)
        for attr, name in (
            ("enabled", "Enabled"),
            ("long_lived", "LongLived"),
            ("janitor_enabled", "JanitorEnabled"),
        ):
            value = req.bool_value(name)
            if value is not None:
                setattr(flow, attr, value)
        flow.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, flow.to_json(self.emu.account_sid, req.base_url))

    def _h_delete(self, req: EmuRequest) -> EmuResponse:
        self.delete(req.params["Sid"])
        return EmuResponse(204)


def _check(
    friendly_name: str, chat_service_sid: str, channel_type: str, integration_type: str | None
) -> None:
    if not friendly_name:
        raise bad_request("Missing required parameter FriendlyName")
    if not (chat_service_sid.startswith("IS") and len(chat_service_sid) == 34):
        raise bad_request("ChatServiceSid must be an IS… SID")
    if channel_type not in CHANNEL_TYPES:
        raise bad_request(f"ChannelType must be one of {', '.join(CHANNEL_TYPES)}")
    if integration_type is not None and integration_type not in INTEGRATION_TYPES:
        raise bad_request(f"IntegrationType must be one of {', '.join(INTEGRATION_TYPES)}")


def _integration(req: EmuRequest, current: dict[str, Any]) -> dict[str, Any]:
    out = dict(current)
    for wire, key in _INTEGRATION_FIELDS.items():
        if not req.has(wire):
            continue
        raw = req.value(wire)
        if key in _INT_FIELDS and raw is not None:
            try:
                out[key] = int(raw)
            except ValueError:
                raise bad_request(f"{wire} must be an integer") from None
        elif key == "creation_on_message":
            out[key] = req.bool_value(wire)
        else:
            out[key] = raw
    return out
