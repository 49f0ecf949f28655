"""Conversations' Python API: `Conversations` (the object behind ``emu.conversations``)
and the entity types it hands out.  Other products import Conversations names from this module
only."""

from __future__ import annotations

from flexconv.emulator.conversations.entities import (
    AGENT_PERMISSIONS,
    AddressConfig,
    AutoCreation,
    Conversation,
    Media,
    Message,
    Participant,
    Role,
    ScopedWebhook,
    ServiceWebhooks,
    binding_type,
    json_string,
    parse_duration,
)
from flexconv.emulator.conversations.pre_events import (
    PreEventOutcome,
    inbound_message_params,
    message_changes,
    pre_event,
)
from flexconv.emulator.conversations.routes import ConversationsRoutes
from flexconv.emulator.conversations.service_roles import register_service_roles
from flexconv.emulator.conversations.services import register_services

__all__ = [
    "AGENT_PERMISSIONS",
    "AddressConfig",
    "AutoCreation",
    "Conversation",
    "Conversations",
    "Media",
    "Message",
    "Participant",
    "PreEventOutcome",
    "Role",
    "ScopedWebhook",
    "ServiceWebhooks",
    "binding_type",
    "json_string",
    "message_changes",
    "parse_duration",
]


class Conversations(ConversationsRoutes):
    """The Conversations product: state, Python API and REST handlers.

    The public methods come from the layers it stacks: lookups (`get`, `get_address`, ...) and
    `snapshot` from `state`, conversations (`create`, `update`, `set_state`, `close`, `delete`)
    from `lifecycle`, participants, messages, scoped webhooks and `inbound` from `messaging`;
    pre-action webhooks from `pre_events`.
    """

    def pre_inbound_message(
        self, address_to: str, from_: str, body: str | None, media_count: int = 0
    ) -> tuple[list[tuple[str, str]], str] | None:
        """The ``onMessageAdd`` parameters of a customer's message and its conversation's SID
        (``None`` without an open conversation); call it under the emulator's lock."""
        return inbound_message_params(self, address_to, from_, body, media_count)

    def pre_event(self, event: str, params: list[tuple[str, str]]) -> PreEventOutcome:
        """Deliver a pre-action webhook and wait for its answer; call it without the lock."""
        return pre_event(self, event, params)

    def _register(self) -> None:
        super()._register()
        register_service_roles(self)
        register_services(self)
