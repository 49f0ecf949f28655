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
    """SID (`AC…`) of the account this Flex configuration belongs to."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    attributes: Any = None
    """Application-specific data stored with the configuration."""
    status: ConfigurationStatus | None = None
    """Provisioning status of the Flex instance (`ok`, `inprogress`, `notstarted`)."""
    taskrouter_workspace_sid: str | None = None
    """SID (`WS…`) of the Flex TaskRouter workspace; flexconv uses it when no workspace is given."""
    taskrouter_target_workflow_sid: str | None = None
    """SID (`WW…`) of the workflow Flex routes to by default."""
    taskrouter_target_taskqueue_sid: str | None = None
    """SID (`WQ…`) of the task queue Flex targets by default."""
    taskrouter_taskqueues: list[Any] | None = None
    """The TaskRouter task queues Flex knows about."""
    taskrouter_skills: list[Any] | None = None
    """Skill definitions offered when editing workers in Flex."""
    taskrouter_worker_channels: Any = None
    """Default capacity and availability of workers per task channel."""
    taskrouter_worker_attributes: Any = None
    """Default attributes given to new TaskRouter workers."""
    taskrouter_offline_activity_sid: str | None = None
    """SID (`WA…`) of the activity that means offline."""
    runtime_domain: str | None = None
    """Domain (URL) the hosted Flex instance is served from."""
    messaging_service_instance_sid: str | None = None
    """SID (`MG…`) of the Messaging service Flex uses."""
    chat_service_instance_sid: str | None = None
    """SID (`IS…`) of the Conversations (chat) service Flex uses."""
    flex_service_instance_sid: str | None = None
    """SID of the Flex service instance."""
    flex_instance_sid: str | None = None
    """SID (`GO…`) of the Flex instance."""
    ui_language: str | None = None
    """Main language of the Flex UI."""
    ui_attributes: Any = None
    """Settings that shape the Flex UI."""
    ui_dependencies: Any = None
    """NPM packages and their versions loaded by hosted Flex."""
    ui_version: str | None = None
    """The Flex UI version the account is pinned to."""
    service_version: str | None = None
    """Version of the Flex service."""
    call_recording_enabled: bool | None = None
    """Whether calls are recorded."""
    call_recording_webhook_url: str | None = None
    """URL called when a call recording is ready."""
    crm_enabled: bool | None = None
    """Whether a CRM is shown in Flex."""
    crm_type: str | None = None
    """Kind of CRM integration."""
    crm_callback_url: str | None = None
    """The CRM's callback URL."""
    crm_fallback_url: str | None = None
    """URL used when the CRM callback fails."""
    crm_attributes: Any = None
    """Settings of the CRM integration."""
    public_attributes: Any = None
    """Attributes readable without authentication."""
    plugin_service_enabled: bool | None = None
    """Whether the Flex plugin service is on."""
    plugin_service_attributes: Any = None
    """Settings of the Flex plugin service."""
    integrations: list[Any] | None = None
    """Configured integrations, one object each."""
    outbound_call_flows: Any = None
    """Outbound call flows configured for Flex."""
    serverless_service_sids: list[str] | None = None
    """SIDs (`ZS…`) of the Serverless services tied to Flex."""
    queue_stats_configuration: Any = None
    """Settings of the queue statistics views."""
    notifications: Any = None
    """Settings of Flex notifications."""
    markdown: Any = None
    """Settings of Markdown rendering in Flex."""
    url: str | None = None
    """Absolute API URL of the Flex configuration."""
    flex_insights_hr: Any = None
    """Whether Flex Insights historical reporting is on, and for which workspaces."""
    flex_insights_drilldown: bool | None = None
    """Whether Flex UI sends drill-downs to `flex_url`."""
    flex_url: str | None = None
    """URL Flex UI goes to for a drill-down, when `flex_insights_drilldown` is on."""
    channel_configs: list[dict[str, Any]] | None = None
    """Per-channel settings of Flex Conversations, attachment limits among them (change them with
    `client.attachments`).
    """
    debugger_integration: Any = None
    """Settings of the Debugger integration."""
    flex_ui_status_report: Any = None
    """Settings of the Flex UI status report."""
    agent_conv_end_methods: Any = None
    """How agents may end a conversation."""
    citrix_voice_vdi: Any = None
    """Settings for voice on Citrix virtual desktops."""
    offline_config: Any = None
    """Presence settings, with how long presence lasts."""
