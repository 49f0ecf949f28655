"""Flex v1: Configuration and the Interactions API (channels, participants, invites, transfers).

Configuration: ``GET``/``POST /v1/Configuration``.  The POST body is JSON, needs ``account_sid``
and replaces every top-level key it names wholesale, so posting one ``channel_configs`` entry drops
the others (as Twilio does).

Interactions: creating one answers 200 at once with the interaction channel (``UO…``) in
``setup``; the work happens when the virtual clock next ticks (``emu.advance(0)`` or more): the
channel becomes ``active`` and a TaskRouter task is created with Flex's linking attributes, or the
channel becomes ``failed`` with an error code (no such conversation, workspace or workflow).
When a worker accepts a reservation for such a task, Flex adds the agent to the conversation with
the ``agent`` role and as an interaction channel participant.  When the task completes, Flex
removes the agent and closes the conversation and the channel (Flex's default clean-up).

Layout (each module holds one part; `Flex` stacks them, lowest first):

- ``entities``: the resource objects, defaults and constants;
- ``state``: the configuration, interactions and channels, lookups and the inspection snapshot;
- ``interactions``: creating interactions and their asynchronous set-up (the engine);
- ``channels``: the Python API on a channel (close, participants, invites, transfers);
- ``reactions``: what Flex does on TaskRouter and Conversations events;
- ``routes``: the HTTP handlers and the route table;
- ``api``: `Flex` itself (wiring routes and bus subscriptions) and the names other
  products may use.
"""

from flexconv.emulator.flex.api import (
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    DEFAULT_CHANNEL_CONFIGS,
    PARTICIPANT_TYPES,
    TRANSFER_TYPES,
    ChannelParticipant,
    Flex,
    Interaction,
    InteractionChannel,
    Invite,
    Transfer,
    default_channel_configs,
    worker_identity,
)

__all__ = [
    "CHANNEL_STATUSES",
    "CHANNEL_TYPES",
    "DEFAULT_CHANNEL_CONFIGS",
    "PARTICIPANT_TYPES",
    "TRANSFER_TYPES",
    "ChannelParticipant",
    "Flex",
    "Interaction",
    "InteractionChannel",
    "Invite",
    "Transfer",
    "default_channel_configs",
    "worker_identity",
]
