"""A conversation's messages (``client.conversations.messages``)."""

from __future__ import annotations

from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._async.paging import AsyncPager
from flexconv._core.conversations import (
    webhooks_header,
)
from flexconv._core.errors import ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.sids import check_sid
from flexconv.models.conversations import (
    Message,
)


class AsyncMessages(AsyncResource):
    """Messages of a conversation."""

    _path = "conversations.messages"

    async def create(
        self,
        conversation: str,
        *,
        body: str | None = None,
        author: str | None = None,
        attributes: dict[str, Any] | None = None,
        media_sid: str | None = None,
        content_sid: str | None = None,
        content_variables: dict[str, Any] | None = None,
        subject: str | None = None,
        webhooks: bool = False,
    ) -> Message:
        """Send a message: a ``body``, a ``media_sid`` (``ME…``) or a ``content_sid`` (``HX…``);
        ``subject`` (at most 256 characters) titles it on channels that have subjects (email)."""
        if subject is not None and (not isinstance(subject, str) or len(subject) > 256):
            raise ValidationError(
                f"subject must be a string of at most 256 characters (the Message docs), got {subject!r}"
            )
        if body is None and media_sid is None and content_sid is None:
            raise ValidationError("A message needs body=, media_sid= or content_sid=")
        if media_sid is not None:
            check_sid(media_sid, "ME", "media_sid")
        if content_sid is not None:
            check_sid(content_sid, "HX", "content_sid")
        return await self._call(
            ops.SEND_MESSAGE,
            Message,
            path_params={"ConversationSid": conversation},
            values={
                "body": body,
                "author": author,
                "attributes": attributes,
                "media_sid": media_sid,
                "content_sid": content_sid,
                "content_variables": content_variables,
                "subject": subject,
                "webhooks": webhooks_header(webhooks),
            },
        )

    def list(
        self,
        conversation: str,
        *,
        order: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[Message]:
        """The conversation's messages, ``order="asc"`` (default) or ``"desc"``."""
        if order is not None and order not in ("asc", "desc"):
            raise ValidationError(f"order must be 'asc' or 'desc', got {order!r}")
        return self._list(
            ops.LIST_MESSAGES,
            Message,
            path_params={"ConversationSid": conversation},
            values={"order": order},
            limit=limit,
            page_size=page_size,
        )
