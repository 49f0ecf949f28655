"""An interaction channel's participants (``client.interactions.participants``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import interactions as core
from flexconv._core.errors import ValidationError
from flexconv._core.ops import interactions as ops
from flexconv.models.interactions import (
    InteractionParticipant,
)

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncInteractionParticipants(AsyncResource):
    """A channel's participants (``client.interactions.participants``)."""

    _path = "interactions.participants"

    def list(
        self, interaction_sid: str, channel_sid: str, *, limit: int | None = None
    ) -> AsyncPager[InteractionParticipant]:
        """The channel's participants (customer, agents, ...)."""
        return self._list(
            ops.LIST_PARTICIPANTS,
            InteractionParticipant,
            path_params={"InteractionSid": interaction_sid, "ChannelSid": channel_sid},
            limit=limit,
        )

    async def create(
        self,
        interaction_sid: str,
        channel_sid: str,
        *,
        type: str,
        media_properties: Mapping[str, Any],
        routing_properties: Mapping[str, Any] | None = None,
    ) -> InteractionParticipant:
        """Add a participant (``type`` agent, customer, external, supervisor or unknown;
        ``media_properties`` such as ``{"identity": ...}`` or ``{"address": ..., "proxy_address": ...}``)."""
        if type not in core.PARTICIPANT_TYPES:
            raise ValidationError(
                f"type must be one of {', '.join(core.PARTICIPANT_TYPES)}, got {type!r}"
            )
        if not isinstance(media_properties, Mapping) or not media_properties:
            raise ValidationError("media_properties must be a non-empty mapping")
        return await self._call(
            ops.ADD_PARTICIPANT,
            InteractionParticipant,
            path_params={"InteractionSid": interaction_sid, "ChannelSid": channel_sid},
            values={
                "type": type,
                "media_properties": dict(media_properties),
                "routing_properties": dict(routing_properties)
                if routing_properties is not None
                else None,
            },
        )

    async def update(
        self,
        interaction_sid: str,
        channel_sid: str,
        participant_sid: str,
        status: Literal["wrapup", "closed"],
    ) -> InteractionParticipant:
        """Move a participant to ``wrapup`` (its task wraps) or ``closed`` (task completes, the
        participant leaves the conversation)."""
        if status not in core.PARTICIPANT_STATUSES:
            raise ValidationError(f'status must be "wrapup" or "closed", got {status!r}')
        return await self._call(
            ops.UPDATE_PARTICIPANT,
            InteractionParticipant,
            path_params={
                "InteractionSid": interaction_sid,
                "ChannelSid": channel_sid,
                "Sid": participant_sid,
            },
            values={"status": status},
        )
