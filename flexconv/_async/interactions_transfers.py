"""Transfers of an interaction channel (``client.interactions.transfers``)."""

from __future__ import annotations

from typing import Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import interactions as core
from flexconv._core.errors import ValidationError
from flexconv._core.ops import interactions as ops
from flexconv.models.interactions import (
    InteractionTransfer,
)


class AsyncInteractionTransfers(AsyncResource):
    """A channel's transfers (``client.interactions.transfers``)."""

    _path = "interactions.transfers"

    async def create(
        self,
        interaction_sid: str,
        channel_sid: str,
        *,
        type: Literal["warm", "cold", "external"],
        to: str,
        from_: str | None = None,
        note_sid: str | None = None,
        summary_sid: str | None = None,
    ) -> InteractionTransfer:
        """Transfer the channel: ``warm``/``cold`` to a worker (``WK…``) or queue (``WQ…``),
        ``external`` to an address; ``from_`` is the transferring participant or worker."""
        body = core.transfer_body(
            type=type, from_=from_, to=to, note_sid=note_sid, summary_sid=summary_sid
        )
        return await self._call(
            ops.CREATE_TRANSFER,
            InteractionTransfer,
            path_params={"InteractionSid": interaction_sid, "ChannelSid": channel_sid},
            json_body=body,
        )

    async def fetch(
        self, interaction_sid: str, channel_sid: str, transfer_sid: str
    ) -> InteractionTransfer:
        """One transfer."""
        return await self._call(
            ops.FETCH_TRANSFER,
            InteractionTransfer,
            path_params={
                "InteractionSid": interaction_sid,
                "ChannelSid": channel_sid,
                "Sid": transfer_sid,
            },
        )

    async def update(
        self,
        interaction_sid: str,
        channel_sid: str,
        transfer_sid: str,
        *,
        status: Literal["active", "failed", "completed"] | None = None,
        note_sid: str | None = None,
        summary_sid: str | None = None,
    ) -> InteractionTransfer:
        """Update a transfer (JSON body): its ``status``, ``note_sid`` or ``summary_sid``."""
        body: dict[str, Any] = {}
        if status is not None:
            if status not in core.TRANSFER_STATUSES:
                raise ValidationError(
                    f"status must be one of {', '.join(core.TRANSFER_STATUSES)}, got {status!r}"
                )
            body["status"] = status
        if note_sid is not None:
            body["note_sid"] = note_sid
        if summary_sid is not None:
            body["summary_sid"] = summary_sid
        if not body:
            raise ValidationError("Nothing to update: give status, note_sid or summary_sid")
        return await self._call(
            ops.UPDATE_TRANSFER,
            InteractionTransfer,
            path_params={
                "InteractionSid": interaction_sid,
                "ChannelSid": channel_sid,
                "Sid": transfer_sid,
            },
            json_body=body,
        )
