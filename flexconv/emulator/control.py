"""A Python client for the emulator's control API (``/_emulator/v1/...``).

For a backend or a test suite that talks to ``flexconv emulator serve`` in another process: the
same powers as ``emu.simulate``, ``emu.faults``, ``emu.webhooks`` and ``emu.advance`` in-process,
over HTTP::

    from flexconv.emulator.control import EmulatorControl

    control = EmulatorControl("http://127.0.0.1:8080", account_sid, auth_token)
    control.simulate.customer_message("+15005550006", "+15551230000", "Where is my order?")
    control.clock.advance(0)                     # Flex sets the interaction up: task routed
    control.simulate.accept("alice")             # the agent accepts in the (simulated) Flex UI
    control.faults.rate_limit(times=2)           # the next two API requests get 429

Answers are the control API's JSON as plain values (dicts); an error answer raises
``ControlError`` with Twilio's ``status``, ``code`` and ``message``.  It uses only the
standard library (``urllib.request``): the emulator never depends on flexconv's client, and
any process can drive a served emulator with it.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

__all__ = ["ControlError", "EmulatorControl"]

_PREFIX = "/_emulator/v1"


class ControlError(Exception):
    """The control API refused a request (Twilio's error shape)."""

    def __init__(self, status: int, code: int | None, message: str, more_info: str | None) -> None:
        super().__init__(f"HTTP {status}" + (f" / {code}" if code else "") + f": {message}")
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info


class EmulatorControl:
    """Drives a served emulator over HTTP (see the module docs).

    ``base_url`` is the server's root (``http://127.0.0.1:8080``); ``account_sid`` and
    ``auth_token`` are the emulated account's (an API key SID and secret work too).
    """

    def __init__(
        self, base_url: str, account_sid: str, auth_token: str, *, timeout: float = 10.0
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        if not account_sid or not auth_token:
            raise ValueError("account_sid and auth_token are required")
        self.base_url = base_url.rstrip("/")
        self.account_sid = account_sid
        self._authorization = "Basic " + base64.b64encode(
            f"{account_sid}:{auth_token}".encode()
        ).decode("ascii")
        self.timeout = timeout
        #: The virtual clock: read, advance, switch between wall and manual.
        self.clock = RemoteClock(self)
        #: Customers and agents, as ``emu.simulate``.
        self.simulate = RemoteSimulation(self)
        #: Injected faults, as ``emu.faults``.
        self.faults = RemoteFaults(self)
        #: Webhook delivery options and the delivery log, as ``emu.webhooks``.
        self.webhooks = RemoteWebhooks(self)

    def __repr__(self) -> str:
        return f"EmulatorControl({self.base_url!r}, account_sid={self.account_sid!r})"

    def request(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, str | None] | None = None,
    ) -> Any:
        """Send one control request (``path`` below ``/_emulator/v1``); returns the JSON answer."""
        url = self.base_url + _PREFIX + path
        pairs = [(k, v) for k, v in (query or {}).items() if v is not None]
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        data = None
        headers = {"Authorization": self._authorization, "Accept": "application/json"}
        if body is not None:
            payload = {k: v for k, v in body.items() if v is not None}
            data = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            raise _error(err.code, err.read()) from None
        return json.loads(raw) if raw else None

    # ------------------------------------------------------------------ state
    def seed(self, scenario: Mapping[str, Any]) -> dict[str, Any]:
        """Add a scenario (see ``flexconv.emulator.scenario``); returns the SIDs by name."""
        return _dict(self.request("POST", "/Seed", scenario))

    def seeded(self) -> dict[str, Any]:
        """The SIDs by name from the last seeding."""
        return _dict(self.request("GET", "/Seed"))

    def reset(self) -> dict[str, Any]:
        """Back to a fresh account (same seed and credentials)."""
        return _dict(self.request("POST", "/Reset", {}))

    def inspect(self) -> dict[str, Any]:
        """The whole state as plain values (``emu.inspect()``)."""
        return _dict(self.request("GET", "/State"))

    def orchestration(self, mode: str | None = None) -> str:
        """Read, or set to ``"flex"`` / ``"custom"``, Flex's orchestration mode."""
        if mode is None:
            answer = self.request("GET", "/Flex")
        else:
            answer = self.request("POST", "/Flex", {"orchestration": mode})
        return str(_dict(answer)["orchestration"])


class RemoteClock:
    """The served emulator's clock (``control.clock``)."""

    def __init__(self, control: EmulatorControl) -> None:
        self._c = control

    def state(self) -> dict[str, Any]:
        """``now`` (ISO 8601), ``mode``, ``speed`` and ``pending_timers``."""
        return _dict(self._c.request("GET", "/Clock"))

    def now(self) -> datetime:
        """The virtual time."""
        return datetime.fromisoformat(str(self.state()["now"]).replace("Z", "+00:00"))

    def advance(self, seconds: float = 0) -> dict[str, Any]:
        """Move the clock forward, running what falls due (``0``: what is due now)."""
        return _dict(self._c.request("POST", "/Clock/Advance", {"seconds": seconds}))

    def configure(self, mode: str | None = None, speed: float | None = None) -> dict[str, Any]:
        """Switch to ``"wall"`` (follow the wall clock, ``speed`` times as fast) or ``"manual"``."""
        return _dict(self._c.request("POST", "/Clock", {"mode": mode, "speed": speed}))


class RemoteSimulation:
    """Customers and agents (``control.simulate``), as ``emu.simulate`` in-process."""

    def __init__(self, control: EmulatorControl) -> None:
        self._c = control

    def _worker(self, worker: str, action: str = "") -> str:
        return "/Simulate/Workers/" + urllib.parse.quote(worker, safe="") + action

    def customer_message(
        self,
        address_to: str,
        from_: str,
        body: str | None = None,
        media: Sequence[Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A customer at ``from_`` writes to ``address_to``; returns ``conversation_sid``,
        ``message_sid``, ``conversation``, ``message`` and ``refused`` (the ``onMessageAdd``
        pre-action webhook refused it: no message)."""
        payload = {"to": address_to, "from": from_, "body": body, "media": media}
        return _dict(self._c.request("POST", "/Simulate/CustomerMessages", payload))

    def worker(self, worker: str) -> dict[str, Any]:
        """A worker by SID or friendly name."""
        return _dict(self._c.request("GET", self._worker(worker)))

    def reservations(self, worker: str, *, status: str = "pending") -> list[dict[str, Any]]:
        """The worker's reservations in ``status`` (oldest first)."""
        answer = self._c.request(
            "GET", self._worker(worker, "/Reservations"), None, {"status": status}
        )
        return list(_dict(answer)["reservations"])

    def accept(self, worker: str, task_sid: str | None = None) -> dict[str, Any]:
        """The agent accepts their (oldest) pending reservation; returns it."""
        return _dict(
            self._c.request("POST", self._worker(worker, "/Accept"), {"task_sid": task_sid})
        )

    def reject(self, worker: str, task_sid: str | None = None) -> dict[str, Any]:
        """The agent rejects their (oldest) pending reservation; returns it."""
        return _dict(
            self._c.request("POST", self._worker(worker, "/Reject"), {"task_sid": task_sid})
        )

    def agent_message(
        self, worker: str, body: str, *, task_sid: str | None = None
    ) -> dict[str, Any]:
        """The agent writes in the conversation of their current task; returns the message."""
        payload = {"body": body, "task_sid": task_sid}
        return _dict(self._c.request("POST", self._worker(worker, "/Messages"), payload))

    def wrap_up(self, worker: str, task_sid: str | None = None) -> dict[str, Any]:
        """The agent ends the chat (the task goes to wrapping); returns the task."""
        return _dict(
            self._c.request("POST", self._worker(worker, "/WrapUp"), {"task_sid": task_sid})
        )

    def complete(self, worker: str, task_sid: str | None = None) -> dict[str, Any]:
        """The agent completes the task; returns it."""
        return _dict(
            self._c.request("POST", self._worker(worker, "/Complete"), {"task_sid": task_sid})
        )

    def set_activity(self, worker: str, activity: str) -> dict[str, Any]:
        """Move the worker to an activity (by name or SID); returns the worker."""
        payload = {"activity": activity}
        return _dict(self._c.request("POST", self._worker(worker, "/Activity"), payload))

    def conversation_of(self, worker: str, task_sid: str | None = None) -> dict[str, Any]:
        """The conversation of the agent's current task."""
        path = self._worker(worker, "/Conversation")
        return _dict(self._c.request("GET", path, None, {"task_sid": task_sid}))


class RemoteFaults:
    """Injected faults (``control.faults``), as ``emu.faults`` in-process.

    The constructors take the same keyword arguments and return the fault as JSON, with an ``id``
    for ``remove``.
    """

    def __init__(self, control: EmulatorControl) -> None:
        self._c = control

    def _add(self, route: str, /, **fields: Any) -> dict[str, Any]:
        return _dict(self._c.request("POST", "/Faults" + route, fields))

    def list(self) -> list[dict[str, Any]]:
        """The active faults (with ``fired`` counts)."""
        return list(_dict(self._c.request("GET", "/Faults"))["faults"])

    def add(self, kind: str, **fields: Any) -> dict[str, Any]:
        """A fault of any ``kind`` (``status``, ``latency``, ``drop``) with ``Fault``'s fields."""
        return self._add("", kind=kind, **fields)

    def rate_limit(self, *, retry_after: float | None = 1, **match: Any) -> dict[str, Any]:
        """429 with ``Retry-After``; ``match``: method, product, path, times, probability."""
        return self._add("/RateLimit", retry_after=retry_after, **match)

    def server_error(
        self, status: int = 503, *, retry_after: float | None = None, **match: Any
    ) -> dict[str, Any]:
        """A 5xx answer (503 by default)."""
        return self._add("/ServerError", status=status, retry_after=retry_after, **match)

    def precondition_failed(self, **match: Any) -> dict[str, Any]:
        """412 Precondition Failed."""
        return self._add("/PreconditionFailed", **match)

    def latency(self, seconds: float, **match: Any) -> dict[str, Any]:
        """The response arrives ``seconds`` late."""
        return self._add("/Latency", seconds=seconds, **match)

    def drop(self, *, before_send: bool = True, **match: Any) -> dict[str, Any]:
        """The connection drops, before or after the request is processed."""
        return self._add("/Drop", before_send=before_send, **match)

    def remove(self, fault: Mapping[str, Any] | str) -> None:
        """Remove one fault (its JSON or its ``id``)."""
        fid = fault if isinstance(fault, str) else str(fault["id"])
        self._c.request("DELETE", "/Faults/" + urllib.parse.quote(fid, safe=""))

    def clear(self) -> None:
        """Remove every fault and restart the generator behind probabilities."""
        self._c.request("DELETE", "/Faults")

    def reseed(self, seed: int) -> None:
        """Restart the generator behind probabilistic faults."""
        self._c.request("POST", "/Faults/Reseed", {"seed": seed})

    def decide(
        self, method: str, product: str, path: str, template: str | None = None
    ) -> dict[str, Any]:
        """Consult the faults as a request would (this counts as a strike)."""
        payload = {"method": method, "product": product, "path": path, "template": template}
        return _dict(self._c.request("POST", "/Faults/Decide", payload))


class RemoteWebhooks:
    """Webhook delivery (``control.webhooks``), as ``emu.webhooks`` in-process."""

    def __init__(self, control: EmulatorControl) -> None:
        self._c = control

    def settings(self) -> dict[str, Any]:
        """``duplicate_probability``, ``out_of_order``, ``paused``, ``timeout``, ``pending``."""
        return _dict(self._c.request("GET", "/Webhooks"))

    def configure(
        self,
        *,
        duplicate_probability: float | None = None,
        out_of_order: bool | None = None,
        paused: bool | None = None,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Set delivery options (``None`` leaves one as it is); returns the settings."""
        payload = {
            "duplicate_probability": duplicate_probability,
            "out_of_order": out_of_order,
            "paused": paused,
            "seed": seed,
            "timeout": timeout,
        }
        return _dict(self._c.request("POST", "/Webhooks", payload))

    def flush(self) -> list[dict[str, Any]]:
        """Send every queued delivery now and wait for those under way; returns those it sent."""
        return list(_dict(self._c.request("POST", "/Webhooks/Flush", {}))["deliveries"])

    def pending(self) -> list[dict[str, Any]]:
        """Deliveries queued and not sent yet."""
        return list(_dict(self._c.request("GET", "/Webhooks/Pending"))["deliveries"])

    def deliveries(
        self, *, kind: str | None = None, event_type: str | None = None, url: str | None = None
    ) -> list[dict[str, Any]]:
        """Recorded deliveries (params, headers, outcome, status), optionally filtered."""
        query = {"kind": kind, "event_type": event_type, "url": url}
        return list(
            _dict(self._c.request("GET", "/Webhooks/Deliveries", None, query))["deliveries"]
        )


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ControlError(200, None, f"expected a JSON object, got {type(value).__name__}", None)
    return value


def _error(status: int, raw: bytes) -> ControlError:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("code")
        return ControlError(
            status,
            code if isinstance(code, int) else None,
            str(body.get("message", "")),
            body.get("more_info") if isinstance(body.get("more_info"), str) else None,
        )
    return ControlError(status, None, raw.decode("utf-8", "replace")[:200], None)
