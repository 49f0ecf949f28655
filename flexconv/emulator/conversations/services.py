"""Conversations services (``/v1/Services``): list and fetch.

A Flex account has one Conversations service, the *Flex Chat Service*: the account's default
conversation service (``default_chat_service_sid`` in ``/v1/Configuration``), which holds every
conversation the emulator models. Creating or deleting services, and the per-service sub-resources
under ``/v1/Services/{Sid}/...``, are not modelled here.
"""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import EmuRequest, EmuResponse, iso, not_found, paginate
from flexconv.emulator.conversations.entities import PRODUCT

if TYPE_CHECKING:
    from flexconv.emulator.conversations.state import ConversationsState

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
# when each Conversations product first showed its service (its creation date from then on)
_CREATED: weakref.WeakKeyDictionary[ConversationsState, datetime] = weakref.WeakKeyDictionary()


def register_services(conv: ConversationsState) -> None:
    """Add the ``/v1/Services`` list and fetch routes of ``conv``'s one service."""

    def list_services(req: EmuRequest) -> EmuResponse:
        return paginate(req, [service_json(conv, req.base_url)], "services", 100)

    def fetch_service(req: EmuRequest) -> EmuResponse:
        if req.params["Sid"] != conv.chat_service_sid:
            raise not_found(req.path)
        return EmuResponse.json(200, service_json(conv, req.base_url))

    conv.emu.router.add("GET", PRODUCT, "/v1/Services", list_services)
    conv.emu.router.add("GET", PRODUCT, "/v1/Services/{Sid}", fetch_service)


def service_json(conv: ConversationsState, base: str) -> dict[str, Any]:
    """The account's one service (the Flex Chat Service) as the API shows it."""
    created = _CREATED.setdefault(conv, conv.emu.clock.now())
    url = f"{base}/v1/Services/{conv.chat_service_sid}"
    return {
        "account_sid": conv.account_sid,
        "sid": conv.chat_service_sid,
        "friendly_name": FLEX_SERVICE_NAME,
        "date_created": iso(created),
        "date_updated": iso(created),
        "url": url,
        "links": {name: f"{url}/{_link_path(name)}" for name in _LINKS},
    }


def _link_path(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
