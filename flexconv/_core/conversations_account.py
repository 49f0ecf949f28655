"""Argument checks for Conversations' account-level calls: the account webhooks' events and
target, and roles."""

from __future__ import annotations

from collections.abc import Iterable

from flexconv._core.errors import ValidationError

__all__ = ["WEBHOOK_EVENTS", "role_permissions", "role_type", "webhook_filters"]

#: The events the account webhooks can receive, as the Configuration Webhook resource lists them
#: (``on…Add``/``Update``/``Remove`` are pre-events, the ``…ed`` forms post-events).
WEBHOOK_EVENTS = (
    "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onMessageAdd", "onMessageUpdate",
    "onMessageRemove", "onConversationUpdated", "onConversationRemoved", "onConversationAdd",
    "onConversationAdded", "onConversationRemove", "onConversationUpdate",
    "onConversationStateUpdated", "onParticipantAdded", "onParticipantUpdated",
    "onParticipantRemoved", "onParticipantAdd", "onParticipantRemove", "onParticipantUpdate",
    "onDeliveryUpdated", "onUserAdded", "onUserUpdate", "onUserUpdated",
)  # fmt: skip


def webhook_filters(filters: Iterable[str] | None) -> list[str] | None:
    """The events, each one the Configuration Webhook resource names."""
    if filters is None:
        return None
    if isinstance(filters, str):
        raise ValidationError(f"filters takes a list of events, got the string {filters!r}")
    out = list(filters)
    unknown = [f for f in out if f not in WEBHOOK_EVENTS]
    if unknown:
        raise ValidationError(
            f"Unknown webhook event(s) {', '.join(map(repr, unknown))}; the Conversations "
            f"Configuration Webhook docs list {', '.join(WEBHOOK_EVENTS)}"
        )
    return out


def role_type(value: object) -> str:
    """``conversation`` or ``service``."""
    if value not in ("conversation", "service"):
        raise ValidationError(f"type must be 'conversation' or 'service', got {value!r}")
    return str(value)


def role_permissions(permissions: Iterable[str]) -> list[str]:
    """At least one permission, each a non-empty name (``sendMessage``, ...)."""
    if isinstance(permissions, str):
        raise ValidationError(
            f"permissions takes a list of permissions, got the string {permissions!r}"
        )
    out = list(permissions)
    if not out or not all(isinstance(p, str) and p.strip() for p in out):
        raise ValidationError(
            f"permissions must be a non-empty list of permission names, got {out!r}"
        )
    return out
