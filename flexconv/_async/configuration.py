"""``client.configuration``: the Flex Configuration."""

from __future__ import annotations

from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._core.errors import ValidationError
from flexconv._core.ops import flex as ops
from flexconv.models.configuration import FlexConfiguration

__all__ = ["AsyncConfiguration"]


class AsyncConfiguration(AsyncResource):
    """Read and write the account's Flex Configuration."""

    _path = "configuration"

    async def fetch(self, *, ui_version: str | None = None) -> FlexConfiguration:
        """Fetch the Flex Configuration (every field of Twilio's spec, unknown keys kept)."""
        return await self._call(
            ops.FETCH_CONFIGURATION, FlexConfiguration, values={"ui_version": ui_version}
        )

    async def update(self, changes: dict[str, Any]) -> FlexConfiguration:
        """Post ``changes`` with the account SID.

        Twilio replaces each JSON-valued key wholesale: posting one ``channel_configs`` entry
        deletes the others.  To change attachment settings, use ``client.attachments``, which
        reads, changes and writes the whole array.
        """
        if not isinstance(changes, dict) or not changes:
            raise ValidationError("changes must be a non-empty dict of configuration keys")
        body = {"account_sid": self._client.account_sid, **changes}
        if body["account_sid"] != self._client.account_sid:
            raise ValidationError("account_sid in changes does not match the client's account")
        return await self._call(ops.UPDATE_CONFIGURATION, FlexConfiguration, json_body=body)
