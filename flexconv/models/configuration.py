"""Flex Configuration (``GET /v1/Configuration`` on flex-api)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model, OpenStrEnum

__all__ = ["ConfigurationStatus", "FlexConfiguration"]


class ConfigurationStatus(OpenStrEnum):
    """Provisioning status of a Flex instance."""

    OK = "ok"
    INPROGRESS = "inprogress"
    NOTSTARTED = "notstarted"


@attrs.define(frozen=True, kw_only=True, repr=False)
class FlexConfiguration(Model):
    """The Flex Configuration of an account: every field of Twilio's spec.

    ``channel_configs`` holds the per-channel settings, attachments among them; use
    ``client.attachments`` to change them without losing the other channels' entries.
    """

    _repr_fields = ("account_sid", "status", "ui_version", "service_version")

    account_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    attributes: Any = None
    status: ConfigurationStatus | None = None
    taskrouter_workspace_sid: str | None = None
    taskrouter_target_workflow_sid: str | None = None
    taskrouter_target_taskqueue_sid: str | None = None
    taskrouter_taskqueues: list[Any] | None = None
    taskrouter_skills: list[Any] | None = None
    taskrouter_worker_channels: Any = None
    taskrouter_worker_attributes: Any = None
    taskrouter_offline_activity_sid: str | None = None
    runtime_domain: str | None = None
    messaging_service_instance_sid: str | None = None
    chat_service_instance_sid: str | None = None
    flex_service_instance_sid: str | None = None
    flex_instance_sid: str | None = None
    ui_language: str | None = None
    ui_attributes: Any = None
    ui_dependencies: Any = None
    ui_version: str | None = None
    service_version: str | None = None
    call_recording_enabled: bool | None = None
    call_recording_webhook_url: str | None = None
    crm_enabled: bool | None = None
    crm_type: str | None = None
    crm_callback_url: str | None = None
    crm_fallback_url: str | None = None
    crm_attributes: Any = None
    public_attributes: Any = None
    plugin_service_enabled: bool | None = None
    plugin_service_attributes: Any = None
    integrations: list[Any] | None = None
    outbound_call_flows: Any = None
    serverless_service_sids: list[str] | None = None
    queue_stats_configuration: Any = None
    notifications: Any = None
    markdown: Any = None
    url: str | None = None
    flex_insights_hr: Any = None
    flex_insights_drilldown: bool | None = None
    flex_url: str | None = None
    channel_configs: list[dict[str, Any]] | None = None
    debugger_integration: Any = None
    flex_ui_status_report: Any = None
    agent_conv_end_methods: Any = None
    citrix_voice_vdi: Any = None
    offline_config: Any = None
