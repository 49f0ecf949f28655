"""Conversations' account-level settings: the configuration (default service, timers), the
account webhooks, and roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model, OpenStrEnum

__all__ = [
    "ConversationsConfiguration",
    "ConversationsWebhooks",
    "Role",
    "RoleType",
    "WebhookTarget",
]


@attrs.define(frozen=True, kw_only=True, repr=False)
class ConversationsConfiguration(Model):
    """The account's Conversations configuration (``/v1/Configuration``).

    In a Flex account ``default_chat_service_sid`` must be the Flex Chat Service (the Flex
    Configuration's ``chat_service_instance_sid``): conversations made without a service land
    there, where Flex sees them.
    """

    _repr_fields = ("default_chat_service_sid", "default_messaging_service_sid")

    account_sid: str | None = None
    """The account (``AC…``)."""
    default_chat_service_sid: str | None = None
    """The Conversation Service new conversations belong to (``IS…``)."""
    default_messaging_service_sid: str | None = None
    """The Messaging Service new conversations send through (``MG…``)."""
    default_inactive_timer: str | None = None
    """The ISO 8601 duration after which an idle conversation becomes ``inactive``."""
    default_closed_timer: str | None = None
    """The ISO 8601 duration after which an idle conversation is ``closed``."""
    url: str | None = None
    """The configuration's absolute URL."""
    links: dict[str, Any] | None = None
    """URLs of the default service and the account webhooks."""


class WebhookTarget(OpenStrEnum):
    """Where the account webhooks go: your ``webhook`` URLs, or ``flex``."""

    WEBHOOK = "webhook"
    FLEX = "flex"


@attrs.define(frozen=True, kw_only=True, repr=False)
class ConversationsWebhooks(Model):
    """The account-level webhooks (``/v1/Configuration/Webhooks``): the pre- and post-event
    URLs and the events they receive (``onConversationAdded``, ``onMessageAdded``, ...)."""

    _repr_fields = ("post_webhook_url", "filters", "target")

    account_sid: str | None = None
    """The account (``AC…``)."""
    method: str | None = None
    """``GET`` or ``POST``."""
    filters: list[str] | None = None
    """The events sent (``onConversationAdded``, ``onMessageAdded``, ...)."""
    pre_webhook_url: str | None = None
    """Where pre-event webhooks go (they can stop the action); ``None`` when unset."""
    post_webhook_url: str | None = None
    """Where post-event webhooks go; ``None`` when unset."""
    target: WebhookTarget | None = None
    """``webhook`` (your URLs) or ``flex``."""
    url: str | None = None
    """The resource's absolute URL."""


class RoleType(OpenStrEnum):
    """What a role applies to: one ``conversation``, or the whole ``service``."""

    CONVERSATION = "conversation"
    SERVICE = "service"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Role(Model):
    """A Conversations role (``RL…``): the permissions of a participant (a ``conversation``
    role such as Flex's ``agent``) or of a user across a service."""

    _repr_fields = ("sid", "friendly_name", "type")

    sid: str | None = None
    """The role's SID (``RL…``)."""
    account_sid: str | None = None
    """The account (``AC…``)."""
    chat_service_sid: str | None = None
    """The Conversation Service the role belongs to (``IS…``)."""
    friendly_name: str | None = None
    """The role's name (``agent``, ``channel user``, ...)."""
    type: RoleType | None = None
    """``conversation`` or ``service``."""
    permissions: list[str] | None = None
    """What holders may do (``sendMessage``, ``leaveConversation``, ...)."""
    date_created: datetime | None = None
    """When the role was created."""
    date_updated: datetime | None = None
    """When the role last changed."""
    url: str | None = None
    """The role's absolute URL."""
