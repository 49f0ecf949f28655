"""``client.conversations``: conversations, participants, messages and scoped webhooks.

The sub-groups live in `conversations_participants`, `conversations_messages`,
`conversations_webhooks` and `conversations_account`.
"""

from __future__ import annotations

import builtins
from datetime import timedelta
from functools import cached_property
from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._async.conversations_account import AsyncAccountConfiguration, AsyncRoles
from flexconv._async.conversations_messages import AsyncMessages
from flexconv._async.conversations_participants import AsyncParticipants
from flexconv._async.conversations_webhooks import AsyncScopedWebhooks
from flexconv._async.paging import AsyncPager
from flexconv._core.conversations import (
    duration,
    open_conversations,
    state_value,
    webhooks_header,
)
from flexconv._core.errors import ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.sids import check_sid
from flexconv.models.conversations import (
    Conversation,
    ParticipantConversation,
)

__all__ = [
    "AsyncConversations",
    "AsyncMessages",
    "AsyncParticipants",
    "AsyncScopedWebhooks",
]

_MIN_INACTIVE = timedelta(minutes=1)
_MIN_CLOSED = timedelta(minutes=10)


class AsyncConversations(AsyncResource):
    """Conversations, with ``participants``, ``messages`` and ``webhooks`` sub-groups.

    Path values take a ``CH…`` SID or the conversation's ``unique_name``.  REST changes fire
    Conversations webhooks only with ``webhooks=True`` (``X-Twilio-Webhook-Enabled: true``).
    """

    _path = "conversations"

    @cached_property
    def participants(self) -> AsyncParticipants:
        """Participants of a conversation: ``create``, ``create_for_worker``, ``fetch``,
        ``update``, ``delete``, ``list``."""
        return self._group(AsyncParticipants)

    @cached_property
    def messages(self) -> AsyncMessages:
        """Messages of a conversation: ``create``, ``list``."""
        return self._group(AsyncMessages)

    @cached_property
    def webhooks(self) -> AsyncScopedWebhooks:
        """Conversation-scoped webhooks: ``create``, ``list``, ``delete``."""
        return self._group(AsyncScopedWebhooks)

    @cached_property
    def configuration(self) -> AsyncAccountConfiguration:
        """The account's configuration (``fetch``, ``update``) and its ``webhooks``."""
        return self._group(AsyncAccountConfiguration)

    @cached_property
    def roles(self) -> AsyncRoles:
        """Roles: ``list``, ``find``, ``create``, ``fetch``, ``update``, ``delete``."""
        return self._group(AsyncRoles)

    async def create(
        self,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: dict[str, Any] | None = None,
        messaging_service_sid: str | None = None,
        state: str | None = None,
        inactive_after: timedelta | str | None = None,
        closed_after: timedelta | str | None = None,
        webhooks: bool = False,
    ) -> Conversation:
        """Create a conversation.

        ``inactive_after`` (at least one minute) and ``closed_after`` (at least ten minutes) set
        the timers, as a timedelta or an ISO 8601 duration.
        """
        values = _conversation_values(
            friendly_name, unique_name, attributes, messaging_service_sid, state,
            inactive_after, closed_after, webhooks,
        )  # fmt: skip
        return await self._call(ops.CREATE_CONVERSATION, Conversation, values=values)

    async def fetch(self, conversation: str) -> Conversation:
        """Fetch a conversation by SID or unique name."""
        return await self._call(
            ops.FETCH_CONVERSATION, Conversation, path_params={"Sid": conversation}
        )

    async def update(
        self,
        conversation: str,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: dict[str, Any] | None = None,
        messaging_service_sid: str | None = None,
        state: str | None = None,
        inactive_after: timedelta | str | None = None,
        closed_after: timedelta | str | None = None,
        webhooks: bool = False,
    ) -> Conversation:
        """Change a conversation; only the arguments given are sent."""
        values = _conversation_values(
            friendly_name, unique_name, attributes, messaging_service_sid, state,
            inactive_after, closed_after, webhooks,
        )  # fmt: skip
        if not {k for k in values if k != "webhooks"}:
            raise ValidationError("update needs at least one field to change")
        return await self._call(
            ops.UPDATE_CONVERSATION,
            Conversation,
            path_params={"Sid": conversation},
            values=values,
        )

    async def close(self, conversation: str, *, webhooks: bool = False) -> Conversation:
        """Close a conversation (``closed`` is terminal)."""
        return await self.update(conversation, state="closed", webhooks=webhooks)

    async def delete(self, conversation: str, *, webhooks: bool = False) -> None:
        """Delete a conversation and its messages."""
        await self._call_raw(
            ops.DELETE_CONVERSATION,
            path_params={"Sid": conversation},
            values={"webhooks": webhooks_header(webhooks)},
        )

    def list(
        self,
        *,
        state: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[Conversation]:
        """Conversations of the account, optionally in one state (pager; max page size 100)."""
        return self._list(
            ops.LIST_CONVERSATIONS,
            Conversation,
            values={"state": state_value(state)},
            limit=limit,
            page_size=page_size,
        )

    def list_for(
        self,
        *,
        address: str | None = None,
        identity: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[ParticipantConversation]:
        """The conversations a messaging address or a chat identity is in (max page size 50)."""
        if (address is None) == (identity is None):
            raise ValidationError("Pass exactly one of address= or identity=")
        return self._list(
            ops.LIST_PARTICIPANT_CONVERSATIONS,
            ParticipantConversation,
            values={"address": address, "identity": identity},
            limit=limit,
            page_size=page_size,
        )

    async def find_open(
        self, address: str, *, proxy_address: str | None = None
    ) -> builtins.list[ParticipantConversation]:
        """The non-closed conversations a messaging address is in, active ones first.

        With ``proxy_address``, only the binding through that number or sender counts.
        """
        if not isinstance(address, str) or not address.strip():
            raise ValidationError(f"address must be a non-empty string, got {address!r}")
        found = await self.list_for(address=address, page_size=50).to_list()
        return open_conversations(found, proxy_address=proxy_address)

    async def find_reusable(
        self, address: str, *, proxy_address: str | None = None
    ) -> ParticipantConversation | None:
        """The non-closed conversation a messaging address is in, if any.

        A messaging binding can be in only one non-closed conversation at a time (Twilio's
        50416): this is the one to reuse rather than creating another.
        """
        found = await self.find_open(address, proxy_address=proxy_address)
        return found[0] if found else None


def _conversation_values(
    friendly_name: str | None,
    unique_name: str | None,
    attributes: dict[str, Any] | None,
    messaging_service_sid: str | None,
    state: str | None,
    inactive_after: timedelta | str | None,
    closed_after: timedelta | str | None,
    webhooks: bool,
) -> dict[str, Any]:
    if messaging_service_sid is not None:
        check_sid(messaging_service_sid, "MG", "messaging_service_sid")
    if attributes is not None and not isinstance(attributes, dict):
        raise ValidationError("attributes must be a dict (sent as a JSON string)")
    values = {
        "friendly_name": friendly_name,
        "unique_name": unique_name,
        "attributes": attributes,
        "messaging_service_sid": messaging_service_sid,
        "state": state_value(state),
        "timers_inactive": duration(inactive_after, "inactive_after", _MIN_INACTIVE),
        "timers_closed": duration(closed_after, "closed_after", _MIN_CLOSED),
        "webhooks": webhooks_header(webhooks),
    }
    return {k: v for k, v in values.items() if v is not None}
