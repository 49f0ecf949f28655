"""What the emulator's webhooks are made of: the request a receiver gets, the record of each
delivery, the gate a served request holds its deliveries behind, and the signature."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class WebhookRequest:
    """What an in-process receiver gets: the request as Twilio would send it."""

    url: str
    method: str
    headers: dict[str, str]
    params: list[tuple[str, str]]
    body: bytes
    kind: str

    def form(self) -> dict[str, str]:
        """The parameters as a plain dict (last value wins), convenient for assertions."""
        return dict(self.params)


#: An in-process receiver: gets the request, returns an HTTP status (``None`` means 200) or a
#: ``(status, body)`` pair whose body (bytes, text, or a value sent as JSON) is the answer Twilio
#: would read (a TaskRouter assignment callback's instruction, for instance).
Receiver = Callable[[WebhookRequest], "int | tuple[int, Any] | None"]


@dataclass
class Delivery:
    """One delivery attempt, as recorded in `WebhookEmitter.log`."""

    seq: int
    #: The URL actually requested (with ``bodySHA256`` or, for GET, the parameters).
    url: str
    method: str
    kind: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    idempotency_token: str
    created: datetime
    #: ``pending`` until sent; then ``delivered`` (2xx), ``failed`` (other status or an error).
    outcome: str = "pending"
    status: int | None = None
    error: str | None = None
    response_body: bytes = b""
    duplicate: bool = False
    #: 0 for the first attempt, then 1, 2, ... for redeliveries of a failed one.
    attempt: int = 0
    #: The URL the webhook was addressed to, with any ``#`` fragment (the key of registered
    #: receivers; a receiver registered for the URL without the fragment gets it too).
    endpoint: str = ""
    #: Why a failed attempt failed, in the classes of Twilio's retry policy: ``ct`` (no
    #: connection), ``rt`` (no answer in time), ``4xx`` or ``5xx`` (the answer's status).
    failure: str | None = None
    #: The served request this delivery waits for: it is sent once that request has been
    #: answered (``None``: no request to wait for).
    gate: Gate | None = field(default=None, repr=False, compare=False)
    target: Receiver | None = field(default=None, repr=False)
    #: Sent at once while the action that raised it waits for the answer (a Conversations
    #: pre-action webhook, a Studio call-out widget); never resent: the answer decides.
    sync: bool = False
    #: Called with this record once it has been sent (Twilio acting on the answer).
    on_result: Callable[[Delivery], None] | None = field(default=None, repr=False)

    @property
    def event_type(self) -> str | None:
        """The ``EventType`` parameter, if any."""
        for k, v in self.params:
            if k == "EventType":
                return v
        return None

    def form(self) -> dict[str, str]:
        """The parameters as a plain dict (last value wins)."""
        return dict(self.params)


class Gate:
    """One request being answered over HTTP; the deliveries it raises wait until it is open."""

    __slots__ = ("open",)

    def __init__(self) -> None:
        #: Whether the request has been answered (its deliveries may go).
        self.open = False

    def __repr__(self) -> str:
        return f"Gate(open={self.open})"


class _MultiParams:
    """A params mapping with ``getlist`` so that RequestValidator signs repeated keys."""

    def __init__(self, params: Sequence[tuple[str, str]]) -> None:
        self._params = list(params)

    def __iter__(self) -> Iterator[str]:
        return iter([k for k, _ in self._params])

    def __bool__(self) -> bool:
        return bool(self._params)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self._params if k == name]


def compute_signature(
    auth_token: str, url: str, params: Sequence[tuple[str, str]] | None = None
) -> str:
    """``X-Twilio-Signature`` for ``url`` and POST ``params``, via twilio's RequestValidator."""
    from twilio.request_validator import RequestValidator  # lazy: optional at import time

    return str(RequestValidator(auth_token).compute_signature(url, _MultiParams(params or [])))
