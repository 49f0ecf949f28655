"""A conversation's participants (``client.conversations.participants``), including agents added
by their TaskRouter worker.
"""

from __future__ import annotations

from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._async.paging import AsyncPager
from flexconv._core.agents import AGENT_ROLE
from flexconv._core.channels import check_messaging_address
from flexconv._core.conversations import (
    webhooks_header,
)
from flexconv._core.errors import ConfigurationError, ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.sids import check_sid
from flexconv.models.conversations import (
    Participant,
)
from flexconv.models.routing import Worker


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
