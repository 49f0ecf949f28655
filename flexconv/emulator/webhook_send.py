"""How one webhook travels (over HTTP, or the answer of an in-process receiver), how a failed
attempt is classed, and when Twilio sends it again, as its connection overrides describe it.

Twilio's [webhook connection overrides](https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides)
page lets a webhook URL carry a ``#`` fragment such as ``#rc=3&rp=5xx,ct``:

- ``rc`` (retry count, 0 to 5, default 1): how many times a failed request is sent again;
- ``rp`` (retry policy, default ``ct,rt``): which failures are retried: ``ct`` (the connection
  could not be made), ``rt`` (no answer in time), ``4xx`` and ``5xx`` (the answer's status
  class) or ``all``.

So by default a request that got no connection or no answer is sent once more, and an answer
(a 503, say) is final.  The page makes overrides available on all product webhooks except
Twilio Conversations and Frontline, so the emulator applies them to TaskRouter event callbacks
and message status callbacks (`RetryPolicy.KINDS`); Conversations webhooks are sent once.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

_CLASSES = frozenset({"ct", "rt", "4xx", "5xx"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and on which failures, a webhook is sent again (see the module docs)."""

    #: Times a failed request is sent again (``rc``).
    count: int = 1
    #: Failure classes that are retried (``rp``): ``ct``, ``rt``, ``4xx``, ``5xx``.
    on: frozenset[str] = frozenset({"ct", "rt"})

    #: Delivery kinds Twilio's connection overrides apply to.
    KINDS = frozenset({"taskrouter.event", "messaging.status"})

    @classmethod
    def from_url(cls, url: str) -> RetryPolicy:
        """The policy a webhook URL's ``#rc=…&rp=…`` fragment sets (defaults where absent).

        A value the page does not allow (``rc`` outside 0-5, an unknown ``rp`` class) leaves
        the default in place."""
        fragment = url.partition("#")[2]
        if not fragment:
            return cls()
        fields = dict(urllib.parse.parse_qsl(fragment, keep_blank_values=True))
        count = cls.count
        raw_count = fields.get("rc", "")
        if raw_count.isdigit() and 0 <= int(raw_count) <= 5:
            count = int(raw_count)
        on = cls.on
        raw_policy = fields.get("rp")
        if raw_policy:
            names = {name.strip().lower() for name in raw_policy.split(",")}
            if names == {"all"}:
                on = _CLASSES
            elif names <= _CLASSES:
                on = frozenset(names)
        return cls(count, on)


def failure_class(status: int | None, error: BaseException | None) -> str | None:
    """The retry-policy class of a failed attempt: ``4xx``/``5xx`` from an answer's status,
    ``rt`` when the receiver took too long or raised (no answer), else ``ct`` (no connection)."""
    if status is not None:
        if 400 <= status < 500:
            return "4xx"
        if 500 <= status < 600:
            return "5xx"
        return None
    if error is None or isinstance(error, urllib.error.URLError):
        return "ct"  # nothing listens there, or connecting / sending the request failed
    if isinstance(error, TimeoutError):
        return "rt"  # connected, but the answer did not come in time
    if isinstance(error, OSError):
        return "ct"  # the connection was refused, reset or closed
    return "rt"  # an in-process receiver that raised gave no answer


def http_send(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout: float
) -> tuple[int, bytes]:
    """Send one webhook with `urllib.request`; the answer's status and body (also for a non-2xx
    answer).  No connection or no answer in time raises (see `failure_class`)."""
    request = urllib.request.Request(
        url, data=body if method != "GET" else None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read() or b""


def answer_bytes(body: Any) -> bytes:
    """An in-process receiver's answer body as bytes (a value that is not text goes as JSON)."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()
