"""Invites to an interaction channel (``client.interactions.invites``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv._async._base import AsyncResource
from flexconv._core.errors import ValidationError
from flexconv._core.ops import interactions as ops
from flexconv.models.interactions import (
    InteractionInvite,
    RoutingSpec,
)

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncInteractionInvites(AsyncResource):
    """A channel's invites (``client.interactions.invites``); see also `AsyncInteractions.invite_worker`."""

    _path = "interactions.invites"

    def list(
        self, interaction_sid: str, channel_sid: str, *, limit: int | None = None
    ) -> AsyncPager[InteractionInvite]:
        """The channel's invites."""
        return self._list(
            ops.LIST_INVITES,
            InteractionInvite,
            path_params={"InteractionSid": interaction_sid, "ChannelSid": channel_sid},
            limit=limit,
        )

    async def create(
        self, interaction_sid: str, channel_sid: str, routing: RoutingSpec
    ) -> InteractionInvite:
        """Invite with a full [`RoutingSpec`][flexconv._core.interactions.RoutingSpec] (needs ``worker_sid`` or ``queue_sid``)."""
        if not isinstance(routing, RoutingSpec):
            raise ValidationError(f"routing must be a RoutingSpec, got {type(routing).__name__}")
        if routing.worker_sid is None and routing.queue_sid is None:
            raise ValidationError("An invite's routing needs worker_sid or queue_sid")
        return await self._call(
            ops.CREATE_INVITE,
            InteractionInvite,
            path_params={"InteractionSid": interaction_sid, "ChannelSid": channel_sid},
            values={"routing": routing.to_wire()},
        )
