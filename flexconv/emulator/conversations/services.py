"""Conversations services (``/v1/Services``): list and fetch.

A Flex account has one Conversations service, the *Flex Chat Service*: the account's default
conversation service (``default_chat_service_sid`` in ``/v1/Configuration``), which holds every
conversation the emulator models. Creating or deleting services, and the per-service sub-resources
under ``/v1/Services/{Sid}/...``, are not modelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flexconv.emulator._base import EmuRequest, EmuResponse, iso, not_found, paginate
from flexconv.emulator.conversations.entities import PRODUCT
from flexconv.emulator.conversations.routes import ConversationsRoutes

#: The friendly name Flex gives the account's default Conversations service.
FLEX_SERVICE_NAME = "Flex Chat Service"
_LINKS = (
    "conversations",
    "users",
    "roles",
    "bindings",
    "configuration",
    "participant_conversations",
)


class ConversationsServiceRoutes(ConversationsRoutes):
    """Adds the services routes to Conversations' route table."""

    _service_created: datetime | None = None

    def _register(self) -> None:
        super()._register()
        add = self.emu.router.add
        add("GET", PRODUCT, "/v1/Services", self._h_list_services)
        add("GET", PRODUCT, "/v1/Services/{Sid}", self._h_fetch_service)

    def service_json(self, base: str) -> dict[str, Any]:
        """The account's one service (the Flex Chat Service) as the API shows it."""
        if self._service_created is None:
            self._service_created = self.emu.clock.now()
        sid = self.chat_service_sid
        url = f"{base}/v1/Services/{sid}"
        return {
            "account_sid": self.account_sid,
            "sid": sid,
            "friendly_name": FLEX_SERVICE_NAME,
            "date_created": iso(self._service_created),
            "date_updated": iso(self._service_created),
            "url": url,
            "links": {name: f"{url}/{_link_path(name)}" for name in _LINKS},
        }

    def _h_list_services(self, req: EmuRequest) -> EmuResponse:
        return paginate(req, [self.service_json(req.base_url)], "services", 100)

    def _h_fetch_service(self, req: EmuRequest) -> EmuResponse:
        if req.params["Sid"] != self.chat_service_sid:
            raise not_found(req.path)
        return EmuResponse.json(200, self.service_json(req.base_url))


def _link_path(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
