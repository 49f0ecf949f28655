"""An interaction's channels (``client.interactions.channels``): list, fetch, close, deactivate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import interactions as core
from flexconv._core.ops import interactions as ops
from flexconv.models.interactions import (
    InteractionChannel,
)

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncInteractionChannels(AsyncResource):
    """An interaction's channels (``client.interactions.channels``)."""

    _path = "interactions.channels"

    def list(
        self, interaction_sid: str, *, limit: int | None = None
    ) -> AsyncPager[InteractionChannel]:
        """The interaction's channels."""
        return self._list(
            ops.LIST_CHANNELS,
            InteractionChannel,
            path_params={"InteractionSid": interaction_sid},
            limit=limit,
        )

    async def fetch(self, interaction_sid: str, channel_sid: str) -> InteractionChannel:
        """One channel; ``status`` and, when ``failed``, ``error_code``/``error_message``."""
        return await self._call(
            ops.FETCH_CHANNEL,
            InteractionChannel,
            path_params={"InteractionSid": interaction_sid, "Sid": channel_sid},
        )

    async def close(
        self, interaction_sid: str, channel_sid: str, *, complete_tasks: bool = False
    ) -> InteractionChannel:
        """Close the channel: its tasks end and the conversation closes.

        Its accepted tasks go to ``wrapping``; with ``complete_tasks=True`` (``Routing={"status":
        "closed"}``) they complete.  This, not TaskRouter's cancel or delete, is how an
        interaction task ends.
        """
        return await self._change(interaction_sid, channel_sid, "closed", complete_tasks)

    async def deactivate(self, interaction_sid: str, channel_sid: str) -> InteractionChannel:
        """Park the channel (``inactive``); always sends ``Routing={"status": "closed"}`` so the
        tasks complete instead of wrapping forever.  The conversation stays open for later."""
        return await self._change(interaction_sid, channel_sid, "inactive")

    async def _change(
        self,
        interaction_sid: str,
        channel_sid: str,
        status: Literal["closed", "inactive"],
        complete_tasks: bool = False,
    ) -> InteractionChannel:
        values = core.closing_values(status)
        if complete_tasks:
            values["routing"] = {"status": "closed"}
        return await self._call(
            ops.UPDATE_CHANNEL,
            InteractionChannel,
            path_params={"InteractionSid": interaction_sid, "Sid": channel_sid},
            values=values,
        )
