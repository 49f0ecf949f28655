"""Response metadata and raw responses handed to users."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flexconv._core.operation import RawResponse, RequestSpec

__all__ = ["APIResponse", "FieldChange", "ResponseInfo"]


@dataclass(frozen=True)
class ResponseInfo:
    """Status, headers and request id of the HTTP exchange behind a result."""

    status_code: int
    """The HTTP status."""
    headers: Mapping[str, str]
    """The response headers."""
    method: str
    """HTTP method of the request."""
    url: str
    """Full URL of the request."""

    @property
    def request_id(self) -> str | None:
        """Twilio's ``Twilio-Request-Id`` header, for support tickets."""
        return self.headers.get("twilio-request-id")

    @classmethod
    def of(cls, raw: RawResponse, request: RequestSpec) -> ResponseInfo:
        """The info of ``raw``, the answer to ``request`` (made once per call: filled directly,
        without the frozen dataclass's slower generated `__init__`)."""
        info: ResponseInfo = object.__new__(cls)
        fields = info.__dict__
        fields["status_code"] = raw.status_code
        fields["headers"] = raw.headers
        fields["method"] = request.method
        fields["url"] = request.url
        return info

    def __repr__(self) -> str:
        return f"ResponseInfo({self.status_code} {self.method} {self.url}, request_id={self.request_id!r})"


@dataclass(frozen=True)
class APIResponse:
    """What `FlexConv.request()` returns: the raw exchange with a JSON helper."""

    info: ResponseInfo
    """Status, headers and request id of the exchange."""
    content: bytes
    """The raw response body."""

    @property
    def status_code(self) -> int:
        return self.info.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self.info.headers

    @property
    def request_id(self) -> str | None:
        return self.info.request_id

    def json(self) -> Any:
        """The decoded JSON body (``None`` when empty)."""
        return json.loads(self.content) if self.content else None

    def __repr__(self) -> str:
        return f"APIResponse({self.status_code} {self.info.method} {self.info.url})"


@dataclass(frozen=True)
class FieldChange:
    """One value a change touches: which channel, where, the value before and the value after.

    Used by ``client.attachments`` (in ``AttachmentsUpdate.diff.changes``) and by
    ``client.channels.ensure`` (in each ``PlanItem.changes``).
    """

    #: The address type the value belongs to (``web``, ``sms``, ``whatsapp`` ...).
    address_type: str
    #: Where the value is: ``("cbm_attachments", "enabled")``, ``("auto_creation", "type")``;
    #: ``()`` for a whole entry added or removed.
    path: tuple[str, ...]
    #: The value before (``None`` when added).
    before: Any
    #: The value after (``None`` when removed).
    after: Any

    @property
    def field(self) -> str:
        """The dotted path (``"cbm_attachments.enabled"``), ``""`` for a whole entry."""
        return ".".join(self.path)

    def __str__(self) -> str:
        return f"{self.address_type}: {self.field or '(entry)'}: {self.before!r} -> {self.after!r}"
