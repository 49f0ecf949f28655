"""``client.messaging``: Messaging Services and the phone numbers in them (reads)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from flexconv._async._base import AsyncResource
from flexconv._core.ops import messaging as ops
from flexconv.models.messaging import MessagingService, MessagingServicePhoneNumber

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncMessaging", "AsyncMessagingServices", "AsyncServicePhoneNumbers"]


class AsyncMessaging(AsyncResource):
    """The Messaging API (``client.messaging``): ``services``."""

    _path = "messaging"

    @cached_property
    def services(self) -> AsyncMessagingServices:
        """Messaging Services: ``list``, ``fetch``, and ``phone_numbers``."""
        return self._group(AsyncMessagingServices)


class AsyncMessagingServices(AsyncResource):
    """The account's Messaging Services (``client.messaging.services``).

    A number in a Messaging Service has its inbound messages handled by the service (its
    ``inbound_request_url``) unless the service defers to the number's own webhook; the doctor
    reads them to find numbers wired to something besides Conversations.
    """

    _path = "messaging.services"

    @cached_property
    def phone_numbers(self) -> AsyncServicePhoneNumbers:
        """The numbers in a service: ``list``."""
        return self._group(AsyncServicePhoneNumbers)

    def list(
        self, *, limit: int | None = None, page_size: int | None = None
    ) -> AsyncPager[MessagingService]:
        """The account's Messaging Services."""
        return self._list(ops.LIST_SERVICES, MessagingService, limit=limit, page_size=page_size)

    async def fetch(self, service_sid: str) -> MessagingService:
        """One Messaging Service by its ``MG…`` SID."""
        return await self._call(
            ops.FETCH_SERVICE, MessagingService, path_params={"Sid": service_sid}
        )


class AsyncServicePhoneNumbers(AsyncResource):
    """The phone numbers in a Messaging Service (``client.messaging.services.phone_numbers``)."""

    _path = "messaging.services.phone_numbers"

    def list(
        self, service_sid: str, *, limit: int | None = None, page_size: int | None = None
    ) -> AsyncPager[MessagingServicePhoneNumber]:
        """The numbers in the ``MG…`` service's sender pool."""
        return self._list(
            ops.LIST_SERVICE_PHONE_NUMBERS,
            MessagingServicePhoneNumber,
            path_params={"ServiceSid": service_sid},
            limit=limit,
            page_size=page_size,
        )
