"""The emulator facade: one object holding every product's state, answering raw HTTP requests.

    emu = Emulator(seed=0)
    resp = emu.handle("GET", "https://flex-api.twilio.com/v1/Configuration", headers, b"")

``handle`` splits the URL (product from a ``*.twilio.com`` host, or from the first path segment
for any other host: ``http://127.0.0.1:8080/conversations/v1/...``), consults the injected faults,
checks HTTP Basic auth (account SID + auth token, or an API key from `create_api_key()`),
routes, and turns `ApiError` into Twilio's error body.  Anything not modelled answers 404
with Twilio's error body.  It is thread safe: one re-entrant lock guards all state, and webhooks
raised while it is held are sent after it is released.
"""

from __future__ import annotations

import base64
import contextlib
import random
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._base import (
    ApiError,
    Clock,
    DroppedConnection,
    EmuResponse,
    EventBus,
    Router,
    Sids,
    iso,
    split_url,
)
from .conversations.api import Conversations
from .faults import Faults
from .flex.api import Flex
from .messages import MessageLog
from .messaging import MessagingServices
from .monitor.api import Monitor
from .numbers import PhoneNumbers
from .scenario import Seeded, apply_scenario, default_scenario
from .studio.api import Studio
from .taskrouter.api import TaskRouter
from .webhooks import WebhookEmitter


@dataclass(frozen=True)
class ApiKey:
    """An API key the emulator accepts for HTTP Basic auth (``SK…`` + secret)."""

    sid: str
    secret: str = ""
    friendly_name: str | None = None

    def __repr__(self) -> str:
        return f"ApiKey(sid={self.sid!r}, friendly_name={self.friendly_name!r})"


def _authenticate_body() -> EmuResponse:
    resp = ApiError(401, 20003, "Authenticate").response()
    resp.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return resp


class Emulator:
    """A local, stateful Flex account: Flex, Conversations, TaskRouter, Studio, 2010 Messages.

    ``seed`` makes every SID, the credentials, fault probabilities and webhook idempotency tokens
    reproducible.  ``account_sid`` / ``auth_token`` override the generated credentials.
    """

    #: When true, every handled request first runs what is due on the virtual clock
    #: (``advance(0)``), so asynchronous work (an interaction's channel leaving ``setup``) shows
    #: up on the next request.  Handy when serving over HTTP to code that polls.
    auto_tick: bool = False

    def __init__(
        self, seed: int = 0, *, account_sid: str | None = None, auth_token: str | None = None
    ) -> None:
        self.seed_value = seed
        self._fixed_account_sid = account_sid
        self._fixed_auth_token = auth_token
        self._lock = threading.RLock()
        self._depth = 0
        self._build()

    def _build(self) -> None:
        seed = self.seed_value
        self.sids = Sids(seed)
        self.account_sid: str = self._fixed_account_sid or self.sids.new("AC")
        self._rng = random.Random(f"{seed}:credentials")
        self.auth_token: str = self._fixed_auth_token or "%032x" % self._rng.getrandbits(128)
        self.api_keys: dict[str, ApiKey] = {}
        #: The SIDs by name from the last `seed()` / `from_scenario()` (empty before).
        self.seeded = Seeded()
        self.clock = Clock()
        self.bus = EventBus()
        self.router = Router()
        self.webhooks = WebhookEmitter(self.auth_token, self.clock, seed=seed)
        self.faults = Faults(seed)
        self.messages = MessageLog(self)
        self.phone_numbers = PhoneNumbers(self)
        self.messaging = MessagingServices(self)
        self.conversations = Conversations(self)
        self.studio = Studio(self)
        self.taskrouter = TaskRouter(self)
        self.taskrouter.register(self.router)
        self.flex = Flex(self)
        self.monitor = Monitor(self)
        from .simulation import Simulation

        self.simulate = Simulation(self)

    def __repr__(self) -> str:
        return f"Emulator(seed={self.seed_value}, account_sid={self.account_sid!r})"

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def operation(self) -> Iterator[None]:
        """Hold the state lock for one operation; webhooks go out after it is released.

        ``handle``, ``advance``, ``seed`` and the simulation use it; wrap your own direct calls
        to the products' Python API in it when other threads use the emulator too.
        """
        with self._lock:
            self._depth += 1
            try:
                with self.webhooks.hold():
                    yield
            finally:
                self._depth -= 1
                outermost = self._depth == 0
        if outermost and not self.webhooks.paused:
            self.webhooks.send_ready()

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        """Release the state lock, however deeply this thread holds it, while inside.

        For a webhook whose answer the current operation waits for (a Conversations pre-action
        webhook): its receiver may call back into the emulator, also from another thread
        through the loopback server, without deadlocking.  Other threads may change the state
        meanwhile, so check what matters again afterwards.  Webhooks other threads raise
        meanwhile go out when their own operation ends.
        """
        held = 0
        while True:
            try:
                self._lock.release()
            except RuntimeError:  # not (or no longer) held by this thread
                break
            held += 1
        if not held:  # this thread holds no lock: nothing to release or restore
            yield
            return
        depth, self._depth = self._depth, 0
        hold = self.webhooks.suspend_hold()
        try:
            yield
        finally:
            for _ in range(held):
                self._lock.acquire()
            self._depth = depth
            self.webhooks.resume_hold(hold)

    # ------------------------------------------------------------------ credentials
    def create_api_key(self, friendly_name: str | None = None) -> ApiKey:
        """Issue an API key (``SK…`` + secret) that ``handle`` accepts as Basic auth."""
        with self._lock:
            key = ApiKey(self.sids.new("SK"), "%032x" % self._rng.getrandbits(128), friendly_name)
            self.api_keys[key.sid] = key
            return key

    def _authenticated(self, headers: Mapping[str, str]) -> bool:
        raw = headers.get("authorization", "")
        if not raw.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(raw[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        if user == self.account_sid:
            return password == self.auth_token
        key = self.api_keys.get(user)
        return key is not None and password == key.secret

    # ------------------------------------------------------------------ HTTP
    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmuResponse:
        """Answer one raw request as Twilio would (may raise `DroppedConnection`)."""
        with self.operation():
            req = split_url(method, url, headers, body)
            route_error: ApiError | None = None
            try:
                handler, params, template = self.router.match(req)
            except ApiError as err:
                handler, params, template, route_error = None, {}, None, err
            decision = self.faults.decide(req.method, req.product, req.path, template)
            if decision.drop_before:
                raise DroppedConnection(before_send=True)
            if decision.response is not None:
                decision.response.delay += decision.delay
                return decision.response
            if not self._authenticated(req.headers):
                resp = _authenticate_body()
            else:
                req.username = self.account_sid
                if self.auto_tick:
                    self.clock.advance(0)
                if handler is None:
                    assert route_error is not None
                    resp = route_error.response()
                else:
                    req.params = params
                    try:
                        resp = handler(req)
                    except ApiError as err:
                        resp = err.response()
            resp.delay += decision.delay
            if decision.drop_after:
                raise DroppedConnection(before_send=False)
            return resp

    def handle_if_idle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmuResponse | None:
        """Answer a ``GET`` at once, or return ``None`` when answering might have to wait.

        For the loopback server's event loop, which must never block: ``None`` for other
        methods, when another thread holds the state lock, or when ``auto_tick`` would run a
        due timer (timers route tasks and raise webhooks).  Webhooks the request raises stay
        queued (``emu.webhooks.pending()``); send them with ``emu.webhooks.send_ready()`` off the
        loop.
        """
        if method.upper() != "GET" or not self._lock.acquire(blocking=False):
            return None
        try:
            if self.auto_tick and self.clock.due():
                return None
            self._depth += 1  # not the outermost operation: webhooks stay queued
            try:
                return self.handle(method, url, headers, body)
            finally:
                self._depth -= 1
        finally:
            self._lock.release()

    def authenticated(self, headers: Mapping[str, str]) -> bool:
        """Whether ``headers`` (lower-case names) carry this account's HTTP Basic credentials.

        Takes no lock (it only reads the credentials), so the loopback server's event loop can
        call it before reading a request's body.
        """
        return self._authenticated(headers)

    def templates(self) -> list[tuple[str, str, str]]:
        """Every modelled route as (method, product, path template)."""
        return self.router.templates()

    # ------------------------------------------------------------------ time and state
    def advance(self, seconds: float = 0) -> None:
        """Move the virtual clock forward, running timers as they fall due (``0``: what is due now)."""
        with self.operation():
            self.clock.advance(seconds)

    def now(self) -> datetime:
        """The virtual clock's current time (a timezone-aware ``datetime``)."""
        return self.clock.now()

    def reset(self) -> None:
        """Forget everything: back to a new emulator with the same seed and credentials.

        API keys, faults, webhook receivers and the delivery log go too.  Product objects are
        rebuilt, so re-read ``emu.conversations`` and friends after a reset.
        """
        with self._lock:
            self._build()

    def inspect(self) -> dict[str, Any]:
        """A plain-value snapshot of the whole state (for debugging and assertions)."""
        with self._lock:
            tr = self.taskrouter
            return {
                "account_sid": self.account_sid,
                "now": iso(self.clock.now()),
                "flex": self.flex.snapshot(),
                "conversations": self.conversations.snapshot(),
                "studio": self.studio.snapshot(),
                "taskrouter": {
                    "workspaces": [ws.to_json() for ws in tr.workspaces.values()],
                    "tasks": [
                        t.to_json() for ws in tr.workspaces.values() for t in ws.tasks.values()
                    ],
                    "reservations": [
                        r.to_json()
                        for ws in tr.workspaces.values()
                        for r in ws.reservations.values()
                    ],
                },
                "messages": [m.to_json(self.account_sid) for m in self.messages.messages],
                "webhooks": [
                    {
                        "url": d.url,
                        "kind": d.kind,
                        "event_type": d.event_type,
                        "outcome": d.outcome,
                        "status": d.status,
                        "error": d.error,
                    }
                    for d in self.webhooks.log
                ],
            }

    # ------------------------------------------------------------------ seeding
    def seed(self, scenario: Mapping[str, Any]) -> Seeded:
        """Build state from a declarative scenario (see `flexconv.emulator.scenario`).

        Returns the SIDs by name, also kept on `seeded`.
        """
        with self.operation():
            self.seeded = apply_scenario(self, scenario)
            return self.seeded

    @classmethod
    def from_scenario(
        cls,
        scenario: Mapping[str, Any] | None = None,
        *,
        seed: int = 0,
        account_sid: str | None = None,
        auth_token: str | None = None,
    ) -> Emulator:
        """A new emulator seeded with ``scenario`` (the default small contact centre if omitted).

        The seeding result is kept on ``emu.seeded``.
        """
        emu = cls(seed, account_sid=account_sid, auth_token=auth_token)
        emu.seed(scenario if scenario is not None else default_scenario())
        return emu
