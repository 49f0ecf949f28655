"""Conversations' account-level settings: ``client.conversations.configuration`` (with its
``webhooks``) and ``client.conversations.roles``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import conversations_account as core
from flexconv._core.conversations import duration
from flexconv._core.errors import ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.routing_checks import callback_url
from flexconv._core.sids import check_sid
from flexconv.models.conversations_account import (
    ConversationsConfiguration,
    ConversationsWebhooks,
    Role,
)

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncAccountConfiguration", "AsyncAccountWebhooks", "AsyncRoles"]

_MIN_INACTIVE = timedelta(minutes=1)
_MIN_CLOSED = timedelta(minutes=10)


class AsyncAccountConfiguration(AsyncResource):
    """The account's Conversations configuration (``client.conversations.configuration``):
    the default Conversation Service and timers; the account ``webhooks``."""

    _path = "conversations.configuration"

    @cached_property
    def webhooks(self) -> AsyncAccountWebhooks:
        """The account-level webhooks: ``fetch``, ``update``."""
        return self._group(AsyncAccountWebhooks)

    async def fetch(self) -> ConversationsConfiguration:
        """The configuration: which Conversation Service new conversations belong to, ..."""
        return await self._call(ops.FETCH_CONFIGURATION, ConversationsConfiguration)

    async def update(
        self,
        *,
        default_chat_service_sid: str | None = None,
        default_messaging_service_sid: str | None = None,
        default_inactive_timer: timedelta | str | None = None,
        default_closed_timer: timedelta | str | None = None,
    ) -> ConversationsConfiguration:
        """Change the defaults.  In a Flex account the default service must stay the Flex Chat
        Service (``client.configuration.fetch().chat_service_instance_sid``).  The timers take
        a timedelta or an ISO 8601 duration: at least one minute to ``inactive``, ten to
        ``closed`` (the Configuration resource's docs)."""
        if default_chat_service_sid is not None:
            check_sid(default_chat_service_sid, "IS", "default_chat_service_sid")
        if default_messaging_service_sid is not None:
            check_sid(default_messaging_service_sid, "MG", "default_messaging_service_sid")
        values = {
            "default_chat_service_sid": default_chat_service_sid,
            "default_messaging_service_sid": default_messaging_service_sid,
            "default_inactive_timer": duration(
                default_inactive_timer, "default_inactive_timer", _MIN_INACTIVE
            ),
            "default_closed_timer": duration(
                default_closed_timer, "default_closed_timer", _MIN_CLOSED
            ),
        }
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        return await self._call(ops.UPDATE_CONFIGURATION, ConversationsConfiguration, values=values)


class AsyncAccountWebhooks(AsyncResource):
    """The account-level Conversations webhooks (``client.conversations.configuration.webhooks``):
    what every conversation's events (``onConversationAdded``, ``onMessageAdded``, ...) are sent to.
    """

    _path = "conversations.configuration.webhooks"

    async def fetch(self) -> ConversationsWebhooks:
        """The URLs, the events sent and the target."""
        return await self._call(ops.FETCH_CONFIGURATION_WEBHOOKS, ConversationsWebhooks)

    async def update(
        self,
        *,
        post_webhook_url: str | None = None,
        pre_webhook_url: str | None = None,
        filters: Iterable[str] | None = None,
        method: Literal["GET", "POST"] | None = None,
        target: Literal["webhook", "flex"] | None = None,
    ) -> ConversationsWebhooks:
        """Point the account's events at your backend: ``post_webhook_url`` (``""`` clears it)
        receives the ``filters`` events (``["onConversationAdded", "onMessageAdded"]``)."""
        if method is not None and method not in ("GET", "POST"):
            raise ValidationError(f"method must be 'GET' or 'POST', got {method!r}")
        if target is not None and target not in ("webhook", "flex"):
            raise ValidationError(f"target must be 'webhook' or 'flex', got {target!r}")
        values = {
            "post_webhook_url": callback_url(post_webhook_url, "post_webhook_url"),
            "pre_webhook_url": callback_url(pre_webhook_url, "pre_webhook_url"),
            "filters": core.webhook_filters(filters),
            "method": method,
            "target": target,
        }
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        return await self._call(
            ops.UPDATE_CONFIGURATION_WEBHOOKS, ConversationsWebhooks, values=values
        )


class AsyncRoles(AsyncResource):
    """Conversations roles (``client.conversations.roles``): the account's (those of the default
    Conversation Service, Flex's ``agent`` among them), or with ``service_sid=`` one service's.
    """

    _path = "conversations.roles"

    def list(self, *, service_sid: str | None = None, limit: int | None = None) -> AsyncPager[Role]:
        """The roles (max page size 50)."""
        if service_sid is None:
            return self._list(ops.LIST_ROLES, Role, limit=limit)
        return self._list(
            ops.LIST_SERVICE_ROLES,
            Role,
            path_params={"ChatServiceSid": service_sid},
            limit=limit,
        )

    async def find(self, friendly_name: str, *, service_sid: str | None = None) -> Role | None:
        """The role named ``friendly_name`` (``"agent"``), or ``None``."""
        if not isinstance(friendly_name, str) or not friendly_name.strip():
            raise ValidationError(
                f"friendly_name must be a non-empty string, got {friendly_name!r}"
            )
        async for role in self.list(service_sid=service_sid):
            if role.friendly_name == friendly_name:
                return role
        return None

    async def create(
        self,
        friendly_name: str,
        *,
        type: Literal["conversation", "service"],
        permissions: Iterable[str],
        service_sid: str | None = None,
    ) -> Role:
        """Create a role: ``type="conversation"`` for participants, ``"service"`` for users."""
        if not isinstance(friendly_name, str) or not friendly_name.strip():
            raise ValidationError(
                f"friendly_name must be a non-empty string, got {friendly_name!r}"
            )
        if len(friendly_name) > 64:
            raise ValidationError("friendly_name is at most 64 characters (the Role resource docs)")
        values = {
            "friendly_name": friendly_name,
            "type": core.role_type(type),
            "permission": core.role_permissions(permissions),
        }
        if service_sid is None:
            return await self._call(ops.CREATE_ROLE, Role, values=values)
        return await self._call(
            ops.CREATE_SERVICE_ROLE,
            Role,
            path_params={"ChatServiceSid": service_sid},
            values=values,
        )

    async def fetch(self, role_sid: str, *, service_sid: str | None = None) -> Role:
        """One role, with its permissions."""
        if service_sid is None:
            return await self._call(ops.FETCH_ROLE, Role, path_params={"Sid": role_sid})
        return await self._call(
            ops.FETCH_SERVICE_ROLE,
            Role,
            path_params={"ChatServiceSid": service_sid, "Sid": role_sid},
        )

    async def update(
        self, role_sid: str, *, permissions: Iterable[str], service_sid: str | None = None
    ) -> Role:
        """Replace a role's permissions (its name and type are fixed)."""
        values = {"permission": core.role_permissions(permissions)}
        if service_sid is None:
            return await self._call(
                ops.UPDATE_ROLE, Role, path_params={"Sid": role_sid}, values=values
            )
        return await self._call(
            ops.UPDATE_SERVICE_ROLE,
            Role,
            path_params={"ChatServiceSid": service_sid, "Sid": role_sid},
            values=values,
        )

    async def delete(self, role_sid: str, *, service_sid: str | None = None) -> None:
        """Delete a role."""
        if service_sid is None:
            await self._call_raw(ops.DELETE_ROLE, path_params={"Sid": role_sid})
            return
        await self._call_raw(
            ops.DELETE_SERVICE_ROLE, path_params={"ChatServiceSid": service_sid, "Sid": role_sid}
        )
