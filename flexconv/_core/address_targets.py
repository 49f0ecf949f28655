"""Typed auto-creation targets of a Conversations address (Studio, webhook, default) and the
request values they stand for.  No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flexconv._core.address_checks import _URL, WEBHOOK_FILTERS
from flexconv._core.errors import ValidationError
from flexconv._core.sids import check_sid

# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class StudioTarget:
    """Auto-create conversations and hand them to a Studio flow (e.g. Flex's "Messaging Flow").

    Attributes:
        flow_sid: The flow's ``FW…`` SID.
        retry_count: How many times Twilio retries the flow's webhook (optional).
    """

    flow_sid: str
    retry_count: int | None = None

    def __post_init__(self) -> None:
        check_sid(self.flow_sid, "FW", "flow_sid")
        if self.retry_count is not None and (
            not isinstance(self.retry_count, int)
            or isinstance(self.retry_count, bool)
            or self.retry_count < 0
        ):
            raise ValidationError(
                f"retry_count must be a non-negative integer, got {self.retry_count!r}"
            )


@dataclass(frozen=True)
class WebhookTarget:
    """Auto-create conversations and post their events to your own backend.

    Attributes:
        url: An http(s) URL.
        method: ``"POST"`` (default) or ``"GET"``; sent as Twilio's lowercase ``post``/``get``.
        filters: Events to receive, from `WEBHOOK_FILTERS`; empty means Twilio's default.
    """

    url: str
    method: str = "POST"
    filters: tuple[str, ...] = ("onMessageAdded",)

    def __post_init__(self) -> None:
        if not isinstance(self.url, str) or not _URL.fullmatch(self.url):
            raise ValidationError(
                f"A webhook target needs an http(s) URL such as https://example.com/hook; got {self.url!r}"
            )
        method = self.method.upper() if isinstance(self.method, str) else self.method
        if method not in ("GET", "POST"):
            raise ValidationError(f"method must be GET or POST, got {self.method!r}")
        object.__setattr__(self, "method", method)
        filters = (self.filters,) if isinstance(self.filters, str) else tuple(self.filters)
        bad = [f for f in filters if f not in WEBHOOK_FILTERS]
        if bad:
            raise ValidationError(
                f"Unknown webhook filter(s) {', '.join(map(repr, bad))}; expected any of "
                f"{', '.join(WEBHOOK_FILTERS)}"
            )
        object.__setattr__(self, "filters", filters)


@dataclass(frozen=True)
class DefaultTarget:
    """Auto-create conversations with no Studio flow or webhook attached."""


#: What an address does with a message from a sender who has no open conversation.
AutoCreationTarget = StudioTarget | WebhookTarget | DefaultTarget


def auto_creation_values(
    target: AutoCreationTarget | Literal[False] | None,
    *,
    conversation_service_sid: str | None = None,
) -> dict[str, Any]:
    """The operation values (Python names) for an auto-creation setting.

    ``False`` disables auto-creation; ``None`` leaves it out.
    """
    if conversation_service_sid is not None:
        check_sid(conversation_service_sid, "IS", "conversation_service_sid")
    out: dict[str, Any] = {}
    if target is False:
        out["auto_creation_enabled"] = False
    elif target is None:
        pass
    elif isinstance(target, StudioTarget):
        out.update(
            auto_creation_enabled=True,
            auto_creation_type="studio",
            studio_flow_sid=target.flow_sid,
            studio_retry_count=target.retry_count,
        )
    elif isinstance(target, WebhookTarget):
        out.update(
            auto_creation_enabled=True,
            auto_creation_type="webhook",
            webhook_url=target.url,
            webhook_method=target.method.lower(),
            webhook_filters=list(target.filters) or None,
        )
    elif isinstance(target, DefaultTarget):
        out.update(auto_creation_enabled=True, auto_creation_type="default")
    else:
        raise ValidationError(
            "auto_creation must be a StudioTarget, WebhookTarget, DefaultTarget, False or None; "
            f"got {type(target).__name__}"
        )
    if conversation_service_sid is not None:
        out["conversation_service_sid"] = conversation_service_sid
    return out
