"""The control API: the emulator's Python-only powers over HTTP, under ``/_emulator/v1/``.

A backend in another process (in any language) drives the emulator served by ``flexconv emulator
serve`` through these routes: move or read the virtual clock, make a customer write, make an agent
accept, write, wrap up or change activity, seed a scenario, reset, inject faults, configure webhook
delivery and read the deliveries.  Every route takes HTTP Basic auth with the account's
credentials (401 with Twilio's 20003 otherwise), takes and returns JSON (snake_case keys, as
Twilio's JSON), and answers errors in Twilio's shape ``{"code", "message", "more_info",
"status"}``.  ``ROUTES`` lists them; ``docs/emulator-control.md`` shows them with curl, and
``flexconv.emulator.control.EmulatorControl`` is a Python client.

``ClockDriver`` is the server's clock: in ``wall`` mode a background thread moves the
virtual clock with the wall clock (``speed`` times as fast), under the emulator's lock, so that
interaction set-up, routing, reservation timeouts, conversation timers and task deletion happen on
their own; in ``manual`` mode time moves only through ``POST /_emulator/v1/Clock/Advance`` (or
``emu.advance``).
"""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._base import ApiError, EmuResponse, bad_request, iso, not_found
from .control_call import NUMBER, Call, probability
from .control_clock import CLOCK_MODES, ClockDriver, ClockMode
from .control_faults import FaultRoutes

if TYPE_CHECKING:
    from .emulator import Emulator
    from .webhooks import Delivery

#: Every control route starts with this prefix.
CONTROL_PREFIX = "/_emulator/"
#: The version prefix of the current routes.
BASE = "/_emulator/v1"

Route = tuple[str, str, Callable[["ControlApi", Call], Any]]

# --------------------------------------------------------------------------- the routes


class ControlApi(FaultRoutes):
    """Answers the control routes for one emulator (see the module docs and ``ROUTES``)."""

    def __init__(self, emu: Emulator, clock: ClockDriver | None = None) -> None:
        self.emu = emu
        self.clock = clock if clock is not None else ClockDriver(emu)
        FaultRoutes.__init__(self)
        self._compiled = [
            (method, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), fn)
            for method, path, fn in ROUTES
        ]

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmuResponse:
        """Answer one control request (``url`` with the ``/_emulator/v1/...`` path)."""
        lower = {k.lower(): v for k, v in headers.items()}
        if not self.emu.authenticated(lower):
            resp = ApiError(401, 20003, "Authenticate").response()
            resp.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return resp
        parts = urllib.parse.urlsplit(url)
        path = urllib.parse.unquote(parts.path).rstrip("/")
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        try:
            fn, params = self._match(method.upper(), path)
            payload = _json_body(body)
            if fn in _UNLOCKED:  # sends webhooks: receivers may call back into the emulator
                result = fn(self, Call(params, query, payload))
            else:
                with self.emu.operation():
                    result = fn(self, Call(params, query, payload))
        except ApiError as err:
            return err.response()
        except RecursionError:
            return bad_request("Invalid JSON: nested too deeply").response()
        status = 201 if method.upper() == "POST" and fn in _CREATES else 200
        if result is None:
            return EmuResponse(204, {})
        return EmuResponse.json(status, result)

    def _match(
        self, method: str, path: str
    ) -> tuple[Callable[[ControlApi, Call], Any], dict[str, str]]:
        allowed = False
        for route_method, regex, fn in self._compiled:
            found = regex.match(path)
            if found is None:
                continue
            if route_method == method:
                return fn, {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
            allowed = True
        if allowed:
            raise ApiError(405, 20004, f"Method not allowed: {method} {path}")
        raise not_found(path)

    # ------------------------------------------------------------------ clock
    def get_clock(self, call: Call) -> dict[str, Any]:
        """The clock: ``now``, ``mode``, ``speed``, ``pending_timers``."""
        call.fields()
        return self.clock.state()

    def set_clock(self, call: Call) -> dict[str, Any]:
        """Switch the clock's mode (``wall``/``manual``) or speed."""
        call.fields("mode", "speed")
        self.clock.configure(call.get("mode", str), call.get("speed", NUMBER))
        return self.clock.state()

    def advance(self, call: Call) -> dict[str, Any]:
        """Move the clock forward by ``seconds``, running what falls due."""
        call.fields("seconds")
        seconds = call.get("seconds", NUMBER, 0)
        if seconds < 0:
            raise bad_request(f"Invalid seconds {seconds!r}: expected 0 or more")
        self.emu.advance(seconds)
        return self.clock.state()

    # ------------------------------------------------------------------ simulation
    def customer_message(self, call: Call) -> dict[str, Any]:
        """A customer writes to an address (``emu.simulate.customer_message``)."""
        call.fields("to", "from", "body", "media")
        media = call.get("media", list)
        for item in media or []:
            if not isinstance(item, dict):
                raise bad_request("Invalid media: expected a list of objects")
        inbound = self.emu.simulate.customer_message(
            call.need("to", str), call.need("from", str), call.get("body", str), media
        )
        sid = self.emu.account_sid
        return {
            "conversation_sid": inbound.conversation_sid,
            "message_sid": inbound.message_sid,
            "refused": inbound.refused,
            "conversation": (
                None if inbound.conversation is None else inbound.conversation.to_json(sid)
            ),
            "message": None if inbound.message is None else inbound.message.to_json(sid),
        }

    def worker(self, call: Call) -> dict[str, Any]:
        """A worker by SID or friendly name."""
        call.fields()
        return _as_dict(self.emu.simulate.worker(call.params["worker"]).to_json())

    def reservations(self, call: Call) -> dict[str, Any]:
        """The worker's reservations in ``?status=`` (pending by default)."""
        call.fields()
        status = call.query.get("status", "pending")
        found = self.emu.simulate.reservations(call.params["worker"], status=status)
        return {"reservations": [r.to_json() for r in found]}

    def accept(self, call: Call) -> dict[str, Any]:
        """The agent accepts their oldest pending reservation (or ``task_sid``'s)."""
        call.fields("task_sid")
        res = self.emu.simulate.accept(call.params["worker"], call.get("task_sid", str))
        return _as_dict(res.to_json())

    def reject(self, call: Call) -> dict[str, Any]:
        """The agent rejects their oldest pending reservation (or ``task_sid``'s)."""
        call.fields("task_sid")
        res = self.emu.simulate.reject(call.params["worker"], call.get("task_sid", str))
        return _as_dict(res.to_json())

    def agent_message(self, call: Call) -> dict[str, Any]:
        """The agent writes ``body`` in the conversation of their current task."""
        call.fields("body", "task_sid")
        msg = self.emu.simulate.agent_message(
            call.params["worker"], call.need("body", str), task_sid=call.get("task_sid", str)
        )
        return _as_dict(msg.to_json(self.emu.account_sid))

    def wrap_up(self, call: Call) -> dict[str, Any]:
        """The agent ends the chat: the task goes to wrapping."""
        call.fields("task_sid")
        task = self.emu.simulate.wrap_up(call.params["worker"], call.get("task_sid", str))
        return _as_dict(task.to_json())

    def complete(self, call: Call) -> dict[str, Any]:
        """The agent completes the task; Flex cleans up."""
        call.fields("task_sid")
        task = self.emu.simulate.complete(call.params["worker"], call.get("task_sid", str))
        return _as_dict(task.to_json())

    def set_activity(self, call: Call) -> dict[str, Any]:
        """The worker moves to ``activity`` (name or SID)."""
        call.fields("activity")
        w = self.emu.simulate.set_activity(call.params["worker"], call.need("activity", str))
        return _as_dict(w.to_json())

    def conversation_of(self, call: Call) -> dict[str, Any]:
        """The conversation of the agent's current task."""
        call.fields()
        conv = self.emu.simulate.conversation_of(call.params["worker"], call.query.get("task_sid"))
        return _as_dict(conv.to_json(self.emu.account_sid))

    # ------------------------------------------------------------------ webhooks
    def webhook_settings(self, call: Call) -> dict[str, Any]:
        """The webhook delivery settings and the number of pending deliveries."""
        call.fields()
        hooks = self.emu.webhooks
        return {
            "duplicate_probability": hooks.duplicate_probability,
            "out_of_order": hooks.out_of_order,
            "paused": hooks.paused,
            "timeout": hooks.timeout,
            "pending": len(hooks.pending()),
        }

    def configure_webhooks(self, call: Call) -> dict[str, Any]:
        """Set webhook delivery options."""
        call.fields("duplicate_probability", "out_of_order", "paused", "seed", "timeout")
        hooks = self.emu.webhooks
        timeout = call.get("timeout", NUMBER)
        if timeout is not None and timeout <= 0:
            raise bad_request(f"Invalid timeout {timeout!r}: expected a number above 0")
        try:
            hooks.configure(
                duplicate_probability=probability(call.get("duplicate_probability", NUMBER)),
                out_of_order=call.get("out_of_order", bool),
                paused=call.get("paused", bool),
                seed=call.get("seed", int),
            )
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        if timeout is not None:
            hooks.timeout = float(timeout)
        return self.webhook_settings(Call({}, {}, {}))

    def flush_webhooks(self, call: Call) -> dict[str, Any]:
        """Send every queued delivery and wait for those under way (outside the emulator's lock)."""
        call.fields()
        return {"deliveries": [_delivery(d) for d in self.emu.webhooks.flush()]}

    def deliveries(self, call: Call) -> dict[str, Any]:
        """Recorded deliveries, filtered by ``?kind=``, ``?event_type=``, ``?url=``."""
        call.fields()
        found = self.emu.webhooks.deliveries(
            kind=call.query.get("kind"),
            event_type=call.query.get("event_type"),
            url=call.query.get("url"),
        )
        return {"deliveries": [_delivery(d) for d in found]}

    def pending_webhooks(self, call: Call) -> dict[str, Any]:
        """Deliveries queued and not sent yet."""
        call.fields()
        return {"deliveries": [_delivery(d) for d in self.emu.webhooks.pending()]}

    # ------------------------------------------------------------------ state
    def seed(self, call: Call) -> dict[str, Any]:
        """Add a scenario; answers the SIDs by name."""
        try:
            seeded = self.emu.seed(call.body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad_request(f"Invalid scenario: {type(exc).__name__}: {exc}") from None
        return dataclasses.asdict(seeded)

    def seeded(self, call: Call) -> dict[str, Any]:
        """The SIDs by name from the last seeding."""
        call.fields()
        return dataclasses.asdict(self.emu.seeded)

    def reset(self, call: Call) -> dict[str, Any]:
        """Back to a fresh account with the same seed and credentials."""
        call.fields()
        self.emu.reset()
        self._fault_ids.clear()
        if self.clock.mode == "wall" and self.clock.from_now:
            self.clock.catch_up_with_today()
        return {"account_sid": self.emu.account_sid, "now": iso(self.emu.now())}

    def state(self, call: Call) -> dict[str, Any]:
        """The whole state as plain values (``emu.inspect()``)."""
        call.fields()
        return self.emu.inspect()

    def get_flex(self, call: Call) -> dict[str, Any]:
        """Flex's orchestration mode."""
        call.fields()
        return {"orchestration": self.emu.flex.orchestration}

    def set_flex(self, call: Call) -> dict[str, Any]:
        """Set Flex's orchestration mode (``flex`` or ``custom``)."""
        call.fields("orchestration")
        value = call.need("orchestration", str)
        if value not in ("flex", "custom"):
            raise bad_request(f"Invalid orchestration {value!r}: expected flex or custom")
        self.emu.flex.orchestration = value
        return {"orchestration": value}


def _as_dict(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def _json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise bad_request("The request body must be a JSON object")
    return payload


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "seq": d.seq,
        "url": d.url,
        "endpoint": d.endpoint,
        "method": d.method,
        "kind": d.kind,
        "event_type": d.event_type,
        "params": [list(p) for p in d.params],
        "headers": dict(d.headers),
        "body": d.body.decode("utf-8", "replace"),
        "idempotency_token": d.idempotency_token,
        "created": iso(d.created),
        "outcome": d.outcome,
        "status": d.status,
        "error": d.error,
        "duplicate": d.duplicate,
    }


_W = BASE + "/Simulate/Workers/{worker}"

#: Every control route: (method, path template, handler).
ROUTES: list[Route] = [
    ("GET", BASE + "/Clock", ControlApi.get_clock),
    ("POST", BASE + "/Clock", ControlApi.set_clock),
    ("POST", BASE + "/Clock/Advance", ControlApi.advance),
    ("POST", BASE + "/Simulate/CustomerMessages", ControlApi.customer_message),
    ("GET", _W, ControlApi.worker),
    ("GET", _W + "/Reservations", ControlApi.reservations),
    ("POST", _W + "/Accept", ControlApi.accept),
    ("POST", _W + "/Reject", ControlApi.reject),
    ("POST", _W + "/Messages", ControlApi.agent_message),
    ("POST", _W + "/WrapUp", ControlApi.wrap_up),
    ("POST", _W + "/Complete", ControlApi.complete),
    ("POST", _W + "/Activity", ControlApi.set_activity),
    ("GET", _W + "/Conversation", ControlApi.conversation_of),
    ("GET", BASE + "/Faults", ControlApi.list_faults),
    ("POST", BASE + "/Faults", ControlApi.add_fault),
    ("DELETE", BASE + "/Faults", ControlApi.clear_faults),
    ("POST", BASE + "/Faults/RateLimit", ControlApi.rate_limit),
    ("POST", BASE + "/Faults/ServerError", ControlApi.server_error),
    ("POST", BASE + "/Faults/PreconditionFailed", ControlApi.precondition_failed),
    ("POST", BASE + "/Faults/Latency", ControlApi.latency),
    ("POST", BASE + "/Faults/Drop", ControlApi.drop),
    ("POST", BASE + "/Faults/Reseed", ControlApi.reseed_faults),
    ("POST", BASE + "/Faults/Decide", ControlApi.decide),
    ("DELETE", BASE + "/Faults/{fault}", ControlApi.remove_fault),
    ("GET", BASE + "/Webhooks", ControlApi.webhook_settings),
    ("POST", BASE + "/Webhooks", ControlApi.configure_webhooks),
    ("POST", BASE + "/Webhooks/Flush", ControlApi.flush_webhooks),
    ("GET", BASE + "/Webhooks/Deliveries", ControlApi.deliveries),
    ("GET", BASE + "/Webhooks/Pending", ControlApi.pending_webhooks),
    ("POST", BASE + "/Seed", ControlApi.seed),
    ("GET", BASE + "/Seed", ControlApi.seeded),
    ("POST", BASE + "/Reset", ControlApi.reset),
    ("GET", BASE + "/State", ControlApi.state),
    ("GET", BASE + "/Flex", ControlApi.get_flex),
    ("POST", BASE + "/Flex", ControlApi.set_flex),
]

_UNLOCKED = {ControlApi.flush_webhooks}

_CREATES = {
    ControlApi.customer_message,
    ControlApi.agent_message,
    ControlApi.add_fault,
    ControlApi.rate_limit,
    ControlApi.server_error,
    ControlApi.precondition_failed,
    ControlApi.latency,
    ControlApi.drop,
}

#: Which route reaches each public method of ``emu.simulate`` and ``emu.faults``.
COVERAGE: dict[str, tuple[str, str]] = {
    "simulate.customer_message": ("POST", BASE + "/Simulate/CustomerMessages"),
    "simulate.worker": ("GET", _W),
    "simulate.reservations": ("GET", _W + "/Reservations"),
    "simulate.accept": ("POST", _W + "/Accept"),
    "simulate.reject": ("POST", _W + "/Reject"),
    "simulate.agent_message": ("POST", _W + "/Messages"),
    "simulate.wrap_up": ("POST", _W + "/WrapUp"),
    "simulate.complete": ("POST", _W + "/Complete"),
    "simulate.set_activity": ("POST", _W + "/Activity"),
    "simulate.conversation_of": ("GET", _W + "/Conversation"),
    "faults.add": ("POST", BASE + "/Faults"),
    "faults.clear": ("DELETE", BASE + "/Faults"),
    "faults.remove": ("DELETE", BASE + "/Faults/{fault}"),
    "faults.rate_limit": ("POST", BASE + "/Faults/RateLimit"),
    "faults.server_error": ("POST", BASE + "/Faults/ServerError"),
    "faults.precondition_failed": ("POST", BASE + "/Faults/PreconditionFailed"),
    "faults.latency": ("POST", BASE + "/Faults/Latency"),
    "faults.drop": ("POST", BASE + "/Faults/Drop"),
    "faults.reseed": ("POST", BASE + "/Faults/Reseed"),
    "faults.decide": ("POST", BASE + "/Faults/Decide"),
}


__all__ = [
    "BASE",
    "CLOCK_MODES",
    "CONTROL_PREFIX",
    "COVERAGE",
    "ROUTES",
    "ClockDriver",
    "ClockMode",
    "ControlApi",
]
