"""Flex's state: the configuration document, interactions and channels, with lookups and the
inspection snapshot."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import iso, not_found
from flexconv.emulator.flex.entities import (
    _READ_ONLY,
    DEFAULT_BASE,
    Interaction,
    InteractionChannel,
    Transfer,
    default_channel_configs,
)

if TYPE_CHECKING:
    from flexconv.emulator.flex.host import FlexHost


class FlexState:
    """Holds Flex's configuration and interactions (the base of `Flex`)."""

    #: ``"flex"``: Flex adds agents on accept and cleans up on completion (the default).
    #: ``"custom"``: Flex adds nobody and cleans up nothing (custom orchestration).
    orchestration: str = "flex"

    def __init__(self, emu: FlexHost) -> None:
        self.emu = emu
        self.instance_sid = emu.sids.new("GO")
        self.flex_service_instance_sid = emu.sids.new("IS")
        self.interactions: dict[str, Interaction] = {}
        self._channels: dict[str, InteractionChannel] = {}
        self._busy: set[str] = set()
        now = emu.clock.now()
        self.configuration: dict[str, Any] = self._default_configuration(now)

    def configuration_value(self, key: str) -> Any:
        """One top-level value of the Flex Configuration (`None` when absent)."""
        return self.configuration.get(key)

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

    def _transfer_json(self, tr: Transfer, base: str) -> dict[str, Any]:
        return tr.to_json(self.emu.account_sid, self.instance_sid, base)
