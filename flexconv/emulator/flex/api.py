"""Flex's Python API: `Flex` (the object behind ``emu.flex``) and the entity types it
hands out.  Other products import Flex names from this module only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv.emulator.flex.entities import (
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    DEFAULT_CHANNEL_CONFIGS,
    PARTICIPANT_TYPES,
    TRANSFER_TYPES,
    ChannelParticipant,
    Interaction,
    InteractionChannel,
    Invite,
    Transfer,
    default_channel_configs,
    worker_identity,
)
from flexconv.emulator.flex.flex_flows import FlexFlows
from flexconv.emulator.flex.routes import FlexRoutes

if TYPE_CHECKING:
    from flexconv.emulator.flex.host import FlexHost

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


class Flex(FlexRoutes):
    """The Flex product: Configuration and Interactions, plus Flex's reactions to TaskRouter.

    The public methods come from the layers it stacks: the configuration and lookups (`get`,
    `channel`, `snapshot`) from `state`, `create_interaction` from `interactions`, channel changes
    (`close_channel`, `update_participant`, `invite`, `transfer`) from `channels`.
    """

    def __init__(self, emu: FlexHost) -> None:
        super().__init__(emu)
        self._register()
        self.flex_flows = FlexFlows(emu)
        bus = emu.bus
        bus.subscribe("taskrouter.reservation.accepted", self._on_accepted)
        bus.subscribe("taskrouter.reservation.rejected", self._on_not_accepted)
        bus.subscribe("taskrouter.reservation.timeout", self._on_not_accepted)
        bus.subscribe("taskrouter.task.updated", self._on_task_updated)
        bus.subscribe("conversations.conversation.state_updated", self._on_conversation_state)
