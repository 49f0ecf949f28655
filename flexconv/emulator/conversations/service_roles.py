"""Service-scoped roles: ``/v1/Services/{ChatServiceSid}/Roles``.

The account-level ``/v1/Roles`` are the roles of the default Conversation Service (Flex's chat
service in a Flex account), so the service-scoped routes of that service share their store: a
role made through one shows through the other, with the service's URL.  Other services are not
modelled (404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import EmuRequest, EmuResponse, not_found
from flexconv.emulator.conversations.entities import PRODUCT

if TYPE_CHECKING:
    from flexconv.emulator.conversations.routes_messages import ConversationsMessageRoutes

Handler = Callable[[EmuRequest], EmuResponse]


def register_service_roles(conv: ConversationsMessageRoutes) -> None:
    """Add the service-scoped role routes of ``conv``'s default service."""
    base = "/v1/Services/{ChatServiceSid}/Roles"
    add = conv.emu.router.add
    add("GET", PRODUCT, base, _scoped(conv, conv._h_list_roles))
    add("POST", PRODUCT, base, _scoped(conv, conv._h_create_role))
    add("GET", PRODUCT, base + "/{Sid}", _scoped(conv, conv._h_fetch_role))
    add("POST", PRODUCT, base + "/{Sid}", _scoped(conv, conv._h_update_role))
    add("DELETE", PRODUCT, base + "/{Sid}", _scoped(conv, conv._h_delete_role))


def _scoped(conv: ConversationsMessageRoutes, handler: Handler) -> Handler:
    """``handler`` for the default service only, its URLs under the service."""

    def scoped(req: EmuRequest) -> EmuResponse:
        service = req.params.get("ChatServiceSid")
        if service != conv.chat_service_sid:
            raise not_found(req.path)
        resp = handler(req)
        if not resp.body or resp.status >= 400:
            return resp
        payload = json.loads(resp.body)
        prefix = f"{req.base_url}/v1/Services/{service}"
        _rebase(payload, f"{req.base_url}/v1/Roles", prefix + "/Roles")
        return EmuResponse.json(resp.status, payload, resp.headers)

    return scoped


def _rebase(payload: Any, old: str, new: str) -> None:
    """Point every URL under ``old`` (roles and page links) at ``new``."""
    items = payload.get("roles") if isinstance(payload, dict) else None
    for item in items if isinstance(items, list) else [payload]:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            item["url"] = item["url"].replace(old, new, 1)
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if isinstance(meta, dict):
        for key in ("first_page_url", "previous_page_url", "next_page_url", "url"):
            if isinstance(meta.get(key), str):
                meta[key] = meta[key].replace(old, new, 1)
