"""Conversations v1: address configurations, conversations, participants, messages, scoped
webhooks, roles, participant conversations and the account-level configuration.

Invariants modelled (the ones that bite in production):

* a messaging binding (address + proxy address) is in at most one non-closed conversation; a
  second add answers 409 with code 50416;
* ``closed`` is terminal: a closed conversation's state never changes again, and it takes no new
  participants or messages;
* ``Timers.Inactive`` / ``Timers.Closed`` (ISO 8601 durations, at least 1 and 10 minutes) fire on
  the virtual clock and restart on every new message;
* post-event webhooks go out only when the REST request carries ``X-Twilio-Webhook-Enabled: true``
  or the change comes from simulation (an inbound customer message, a Flex action); pre-action
  webhooks (``onConversationAdd``, ``onMessageAdd``, ...) go out, and may refuse or change the
  action, for such REST requests, customers' messages and agents' SDK actions (``pre_events``);
* ``attributes`` are JSON strings; page sizes are clamped to Twilio's maxima.

Layout (each module holds one part; `Conversations` stacks them, lowest first):

- ``entities``: the resource objects, constants and value parsers; ``params``: request parsing;
- ``state``: the dictionaries, lookups and the inspection snapshot;
- ``events``: post-event webhooks; ``timers``: the inactive/closed timers;
- ``pre_events``: the pre-action webhooks and the answers they may give;
- ``lifecycle`` / ``messaging`` / ``actions``: the Python API (conversations; participants and
  messages; message changes and inbound customer messages);
- ``routes_messages`` / ``routes``: the HTTP handlers and the route table;
- ``api``: `Conversations` itself and the names other products may use.
"""

from flexconv.emulator.conversations.api import (
    AGENT_PERMISSIONS,
    AddressConfig,
    AutoCreation,
    Conversation,
    Conversations,
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

__all__ = [
    "AGENT_PERMISSIONS",
    "AddressConfig",
    "AutoCreation",
    "Conversation",
    "Conversations",
    "Media",
    "Message",
    "Participant",
    "Role",
    "ScopedWebhook",
    "ServiceWebhooks",
    "binding_type",
    "json_string",
    "parse_duration",
]
