"""``client.conversations``: conversations, participants, messages and scoped webhooks."""

from __future__ import annotations

import builtins
from datetime import timedelta
from functools import cached_property
from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._async.conversations_account import AsyncAccountConfiguration, AsyncRoles
from flexconv._async.paging import AsyncPager
from flexconv._core.agents import AGENT_ROLE
from flexconv._core.channels import check_messaging_address
from flexconv._core.checks import check_http_url
from flexconv._core.conversations import (
    duration,
    open_conversations,
    state_value,
    webhook_method,
    webhooks_header,
)
from flexconv._core.errors import ConfigurationError, ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.sids import check_sid
from flexconv.models.conversations import (
    Conversation,
    Message,
    Participant,
    ParticipantConversation,
    ScopedWebhook,
)
from flexconv.models.routing import Worker

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


class AsyncParticipants(AsyncResource):
    """Participants of a conversation: chat identities and messaging bindings."""

    _path = "conversations.participants"

    async def create(
        self,
        conversation: str,
        *,
        identity: str | None = None,
        address: str | None = None,
        proxy_address: str | None = None,
        projected_address: str | None = None,
        attributes: dict[str, Any] | None = None,
        role_sid: str | None = None,
        webhooks: bool = False,
    ) -> Participant:
        """Add a chat participant (``identity``) or a messaging one (``address`` + ``proxy_address``)."""
        if (identity is None) == (address is None):
            raise ValidationError("Pass exactly one of identity= (chat) or address= (messaging)")
        if (
            isinstance(address, str)
            and proxy_address is None
            and not address.startswith("messenger:")
        ):
            raise ValidationError(
                "A messaging participant needs proxy_address= (your Twilio number or sender)"
            )
        if address is not None:
            check_messaging_address(address, "address")
        if proxy_address is not None:
            check_messaging_address(proxy_address, "proxy_address")
        if role_sid is not None:
            check_sid(role_sid, "RL", "role_sid")
        return await self._call(
            ops.ADD_PARTICIPANT,
            Participant,
            path_params={"ConversationSid": conversation},
            values={
                "identity": identity,
                "address": address,
                "proxy_address": proxy_address,
                "projected_address": projected_address,
                "attributes": attributes,
                "role_sid": role_sid,
                "webhooks": webhooks_header(webhooks),
            },
        )

    async def create_for_worker(
        self,
        conversation: str,
        worker: str | Worker,
        *,
        role: str = AGENT_ROLE,
        attributes: dict[str, Any] | None = None,
        webhooks: bool = False,
        workspace_sid: str | None = None,
    ) -> Participant:
        """Add a TaskRouter worker to a conversation as Flex does when an agent accepts: as a
        chat participant with the worker's identity (``contact_uri`` ``client:<identity>``) and
        the Conversations role ``role`` (Flex's ``agent``), looked up by name.

        ``worker`` is a ``WK…`` SID or a fetched `Worker`.  Raises `ConfigurationError` when the
        account has no role of that name.
        """
        if isinstance(worker, str):
            identity = await self._client.routing.workers.fetch_identity(
                worker, workspace_sid=workspace_sid
            )
        else:
            identity = self._client.routing.workers.build_identity(worker)
        found = await self._client.conversations.roles.find(role)
        if found is None or found.sid is None:
            raise ConfigurationError(
                f"The account has no Conversations role {role!r} (Flex creates 'agent'; "
                "client.conversations.roles.create(...) makes one)"
            )
        return await self.create(
            conversation,
            identity=identity,
            attributes=attributes,
            role_sid=found.sid,
            webhooks=webhooks,
        )

    async def fetch(self, conversation: str, participant: str) -> Participant:
        """Fetch a participant by ``MB…`` SID or identity."""
        return await self._call(
            ops.FETCH_PARTICIPANT,
            Participant,
            path_params={"ConversationSid": conversation, "Sid": participant},
        )

    async def update(
        self,
        conversation: str,
        participant: str,
        *,
        attributes: dict[str, Any] | None = None,
        role_sid: str | None = None,
        last_read_message_index: int | None = None,
        identity: str | None = None,
        proxy_address: str | None = None,
        projected_address: str | None = None,
        webhooks: bool = False,
    ) -> Participant:
        """Change a participant's attributes, role, read horizon, chat ``identity`` (at most
        256 characters) or messaging binding (``proxy_address``, ``projected_address``)."""
        if role_sid is not None:
            check_sid(role_sid, "RL", "role_sid")
        if identity is not None and (not isinstance(identity, str) or not 0 < len(identity) <= 256):
            raise ValidationError(
                "identity must be 1 to 256 characters (the Conversation Participant docs), "
                f"got {identity!r}"
            )
        return await self._call(
            ops.UPDATE_PARTICIPANT,
            Participant,
            path_params={"ConversationSid": conversation, "Sid": participant},
            values={
                "attributes": attributes,
                "role_sid": role_sid,
                "last_read_message_index": last_read_message_index,
                "identity": identity,
                "proxy_address": proxy_address,
                "projected_address": projected_address,
                "webhooks": webhooks_header(webhooks),
            },
        )

    async def delete(self, conversation: str, participant: str, *, webhooks: bool = False) -> None:
        """Remove a participant from the conversation."""
        await self._call_raw(
            ops.REMOVE_PARTICIPANT,
            path_params={"ConversationSid": conversation, "Sid": participant},
            values={"webhooks": webhooks_header(webhooks)},
        )

    def list(
        self, conversation: str, *, limit: int | None = None, page_size: int | None = None
    ) -> AsyncPager[Participant]:
        """The conversation's participants (max page size 100)."""
        return self._list(
            ops.LIST_PARTICIPANTS,
            Participant,
            path_params={"ConversationSid": conversation},
            limit=limit,
            page_size=page_size,
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


class AsyncScopedWebhooks(AsyncResource):
    """Conversation-scoped webhooks: what receives a conversation's events."""

    _path = "conversations.webhooks"

    async def create(
        self,
        conversation: str,
        *,
        target: str,
        url: str | None = None,
        method: str | None = None,
        filters: list[str] | None = None,
        triggers: list[str] | None = None,
        flow_sid: str | None = None,
        replay_after: int | None = None,
    ) -> ScopedWebhook:
        """Attach a ``webhook`` (url), ``studio`` (flow_sid) or ``trigger`` (url + triggers).

        ``replay_after`` (a message index) replays the messages after it to the new webhook:
        a Studio flow attached to a running conversation sees the message that started it.
        """
        if replay_after is not None and (
            not isinstance(replay_after, int) or isinstance(replay_after, bool) or replay_after < 0
        ):
            raise ValidationError(
                f"replay_after must be a message index (0 or more), got {replay_after!r}"
            )
        if target not in ("webhook", "studio", "trigger"):
            raise ValidationError(f"target must be webhook, studio or trigger, got {target!r}")
        if target == "studio":
            check_sid(flow_sid, "FW", "flow_sid")
        else:
            check_http_url(url, f"A {target} webhook's url")
        return await self._call(
            ops.CREATE_SCOPED_WEBHOOK,
            ScopedWebhook,
            path_params={"ConversationSid": conversation},
            values={
                "target": target,
                "url": url,
                "method": webhook_method(method),
                "filters": filters,
                "triggers": triggers,
                "flow_sid": flow_sid,
                "replay_after": replay_after,
            },
        )

    def list(self, conversation: str, *, limit: int | None = None) -> AsyncPager[ScopedWebhook]:
        """The conversation's scoped webhooks (max page size 5)."""
        return self._list(
            ops.LIST_SCOPED_WEBHOOKS,
            ScopedWebhook,
            path_params={"ConversationSid": conversation},
            limit=limit,
        )

    async def delete(self, conversation: str, webhook_sid: str) -> None:
        """Remove a scoped webhook."""
        await self._call_raw(
            ops.DELETE_SCOPED_WEBHOOK,
            path_params={"ConversationSid": conversation, "Sid": webhook_sid},
        )


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
