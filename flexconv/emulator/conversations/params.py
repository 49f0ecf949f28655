"""Parsing and checking of Conversations request values (webhook switch, methods, dates,
addresses, auto-creation)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, EmuRequest, bad_request, is_sid
from flexconv.emulator.conversations.entities import AutoCreation, Conversation

if TYPE_CHECKING:
    pass


def _hooks(req: EmuRequest) -> bool:
    return req.headers.get("x-twilio-webhook-enabled", "").lower() == "true"


def _method(raw: str | None, default: str = "POST") -> str:
    if raw is None:
        return default
    if raw.lower() not in ("get", "post"):
        raise bad_request(f"Invalid method {raw!r}: expected get or post")
    return raw.upper()


def _closed_error(conv: Conversation) -> ApiError:
    return ApiError(400, 20001, f"Conversation {conv.sid} is closed; closed is a terminal state")


def _dur(value: timedelta | None) -> str | None:
    if value is None:
        return None
    return f"PT{int(value.total_seconds())}S"


def _date_q(req: EmuRequest, name: str) -> date | None:
    raw = req.q(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD)") from None


_E164 = re.compile(r"^\+[1-9]\d{5,14}$")


def _check_address(kind: str, address: str) -> None:
    if kind == "sms" and not _E164.fullmatch(address):
        raise bad_request(f"Address {address!r} is not an E.164 phone number")
    if kind == "whatsapp" and not (
        address.startswith("whatsapp:") and _E164.fullmatch(address[9:])
    ):
        raise bad_request(f"Address {address!r} must look like whatsapp:+E164")
    if kind == "messenger" and not address.startswith("messenger:"):
        raise bad_request(f"Address {address!r} must look like messenger:<page id>")


def _check_auto_creation(ac: AutoCreation) -> None:
    if not ac.enabled:
        return
    if ac.type is None:
        raise bad_request("AutoCreation.Type is required when auto-creation is enabled")
    if ac.type == "studio" and not is_sid(ac.studio_flow_sid, "FW"):
        raise bad_request("AutoCreation.StudioFlowSid is required for type studio")
    if ac.type == "webhook" and not ac.webhook_url:
        raise bad_request("AutoCreation.WebhookUrl is required for type webhook")


def _dates(req: EmuRequest) -> tuple[datetime | None, datetime | None]:
    """The `DateCreated` / `DateUpdated` a create or update may set (ISO 8601), checked first."""
    out: list[datetime | None] = []
    for name in ("DateCreated", "DateUpdated"):
        raw = req.value(name)
        if not raw:
            out.append(None)
            continue
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"{name} must be an ISO 8601 date-time, got {raw!r}") from None
        out.append(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    return out[0], out[1]


def _stamp(resource: Any, dates: tuple[datetime | None, datetime | None]) -> None:
    """Apply `DateCreated` / `DateUpdated` to a conversation, participant or message."""
    created, updated = dates
    if created is not None:
        resource.date_created = created
    if updated is not None:
        resource.date_updated = updated
