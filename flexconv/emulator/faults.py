"""Injected faults: rate limits, server errors, precondition failures, latency, dropped connections.

A fault matches requests by method, product and path template (``/v1/Conversations/{Sid}``, as
`Emulator.templates()` lists them; a concrete path also works), or matches everything.  It fires
for the next ``times`` matching requests, or with a seeded ``probability``, or both.  The same
seed and the same request sequence give the same faults.

    emu.faults.rate_limit(product="conversations", times=2, retry_after=1)
    emu.faults.server_error(503, method="POST", path="/v1/Interactions")
    emu.faults.latency(2.5, probability=0.2)
    emu.faults.drop(before_send=False, path="/v1/Conversations/{ConversationSid}/Messages")
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Literal

from ._base import ApiError, EmuResponse

FaultKind = Literal["status", "latency", "drop"]

_MESSAGES = {
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
    412: (20412, "Precondition Failed: the resource was modified (ETag mismatch)"),
}


@dataclass
class Fault:
    """One registered fault.  ``fired`` counts how often it struck."""

    kind: FaultKind
    method: str | None = None
    product: str | None = None
    path: str | None = None
    times: int | None = None
    probability: float | None = None
    status: int = 0
    retry_after: float | None = None
    seconds: float = 0.0
    before_send: bool = True
    fired: int = 0
    _path_re: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = _normalise(self.path)
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(self.path))
            self._path_re = re.compile(f"^{pattern}$")

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, method: str, product: str, path: str, template: str | None) -> bool:
        if self.exhausted:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.product is not None and self.product != product:
            return False
        if self.path is None or self.path == template:
            return True
        assert self._path_re is not None
        return bool(self._path_re.match(_normalise(path)))

    def response(self) -> EmuResponse:
        """The error response for a status fault."""
        code, message = _MESSAGES.get(self.status, (20000 + self.status, "Injected fault"))
        resp = ApiError(self.status, code, message).response()
        if self.retry_after is not None:
            value = self.retry_after
            resp.headers["Retry-After"] = str(int(value)) if value == int(value) else str(value)
        return resp


def _normalise(path: str) -> str:
    """A path without trailing slash or ``.json`` (the 2010 API's suffix), as templates are."""
    return path.rstrip("/").removesuffix(".json") or "/"


@dataclass
class FaultDecision:
    """What the faults say about one request (see `Faults.decide()`)."""

    response: EmuResponse | None = None
    delay: float = 0.0
    drop_before: bool = False
    drop_after: bool = False


class Faults:
    """The registry of faults; deterministic for a given seed."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._rng = random.Random(f"{seed}:faults")
        self.active: list[Fault] = []

    def reseed(self, seed: int) -> None:
        """Restart the generator behind probabilistic faults."""
        self._seed = seed
        self._rng = random.Random(f"{seed}:faults")

    def clear(self) -> None:
        """Remove every fault and restart the generator."""
        self.active.clear()
        self.reseed(self._seed)

    def add(self, fault: Fault) -> Fault:
        if fault.times is None and fault.probability is None:
            fault.probability = 1.0
        if fault.probability is not None and not 0.0 <= fault.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        self.active.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        if fault in self.active:
            self.active.remove(fault)

    # The friendly constructors.  ``times=None`` and ``probability=None`` means "always".
    def rate_limit(
        self,
        *,
        retry_after: float | None = 1,
        method: str | None = None,
        product: str | None = None,
        path: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """429 Too Many Requests (code 20429) with a ``Retry-After`` header."""
        return self.add(
            Fault(
                "status",
                method,
                product,
                path,
                times,
                probability,
                status=429,
                retry_after=retry_after,
            )
        )

    def server_error(
        self,
        status: int = 503,
        *,
        retry_after: float | None = None,
        method: str | None = None,
        product: str | None = None,
        path: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """A 5xx answer (503 by default, or 500) in Twilio's error shape."""
        return self.add(
            Fault(
                "status",
                method,
                product,
                path,
                times,
                probability,
                status=status,
                retry_after=retry_after,
            )
        )

    def precondition_failed(
        self,
        *,
        method: str | None = None,
        product: str | None = None,
        path: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """412 Precondition Failed, as an ``If-Match`` against a stale ETag gets."""
        return self.add(Fault("status", method, product, path, times, probability, status=412))

    def latency(
        self,
        seconds: float,
        *,
        method: str | None = None,
        product: str | None = None,
        path: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """The response arrives ``seconds`` late (``EmuResponse.delay``)."""
        return self.add(
            Fault("latency", method, product, path, times, probability, seconds=seconds)
        )

    def drop(
        self,
        *,
        before_send: bool = True,
        method: str | None = None,
        product: str | None = None,
        path: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """The connection drops: before the request is processed, or after (the change happened)."""
        return self.add(
            Fault("drop", method, product, path, times, probability, before_send=before_send)
        )

    def decide(self, method: str, product: str, path: str, template: str | None) -> FaultDecision:
        """Consult every fault for one request, in registration order.

        The first status or drop fault that strikes wins; latency faults add up.
        """
        decision = FaultDecision()
        for fault in list(self.active):
            if not fault.matches(method, product, path, template):
                continue
            if fault.probability is not None and self._rng.random() >= fault.probability:
                continue
            fault.fired += 1
            if fault.kind == "latency":
                decision.delay += fault.seconds
                continue
            if fault.kind == "drop":
                if fault.before_send:
                    decision.drop_before = True
                else:
                    decision.drop_after = True
            else:
                decision.response = fault.response()
            break
        return decision
