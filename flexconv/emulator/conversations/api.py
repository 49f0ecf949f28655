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
from flexconv.emulator.conversations.pre_events import MODIFIABLE, PRE_EVENTS, PreEventRefused
from flexconv.emulator.conversations.routes import ConversationsRoutes
from flexconv.emulator.conversations.service_roles import register_service_roles
from flexconv.emulator.conversations.services import register_services

__all__ = [
    "AGENT_PERMISSIONS",
    "MODIFIABLE",
    "PRE_EVENTS",
    "AddressConfig",
    "AutoCreation",
    "Conversation",
    "Conversations",
    "Media",
    "Message",
    "Participant",
    "PreEventRefused",
    "Role",
    "ScopedWebhook",
    "ServiceWebhooks",
    "binding_type",
    "json_string",
    "parse_duration",
]


class Conversations(ConversationsRoutes):
    """The Conversations product: state, Python API and REST handlers.

    The public methods come from the layers it stacks: lookups (`get`, `get_address`, ...) and
    `snapshot` from `state`, conversations (`create`, `update`, `set_state`, `close`, `delete`)
    from `lifecycle`, participants, messages and scoped webhooks from `messaging`, message
    changes and `inbound` from `actions`; pre-action webhooks (``pre=True``) from `pre_events`.
    """

    def _register(self) -> None:
        super()._register()
        register_service_roles(self)
        register_services(self)
