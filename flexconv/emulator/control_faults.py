"""The control API's fault routes (``/_emulator/v1/Faults...``): ``emu.faults`` over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._base import bad_request, not_found
from .control_call import NUMBER, Call, probability
from .faults import Fault

if TYPE_CHECKING:
    from .emulator import Emulator

#: The body fields every fault constructor takes to match requests.
MATCH = ("method", "product", "path", "times", "probability")


class FaultRoutes:
    """The fault routes, mixed into ``flexconv.emulator.control_api.ControlApi``.

    Faults get a stable ``id`` (``FT…``) the first time the API shows them, for removal.
    """

    emu: Emulator

    def __init__(self) -> None:
        self._fault_ids: dict[int, tuple[str, Fault]] = {}
        self._next_fault = 0

    def _fault_id(self, fault: Fault) -> str:
        known = self._fault_ids.get(id(fault))
        if known is not None and known[1] is fault:
            return known[0]
        self._next_fault += 1
        fid = f"FT{self._next_fault:032x}"
        self._fault_ids[id(fault)] = (fid, fault)
        return fid

    def _fault_json(self, fault: Fault) -> dict[str, Any]:
        return {
            "id": self._fault_id(fault),
            "kind": fault.kind,
            "method": fault.method,
            "product": fault.product,
            "path": fault.path,
            "times": fault.times,
            "probability": fault.probability,
            "status": fault.status or None,
            "retry_after": fault.retry_after,
            "seconds": fault.seconds,
            "before_send": fault.before_send,
            "fired": fault.fired,
        }

    def list_faults(self, call: Call) -> dict[str, Any]:
        """The active faults, each with an ``id`` and its ``fired`` count."""
        call.fields()
        return {"faults": [self._fault_json(f) for f in list(self.emu.faults.active)]}

    def _matching(self, call: Call) -> dict[str, Any]:
        times = call.get("times", int)
        if times is not None and times < 1:
            raise bad_request(f"Invalid times {times!r}: expected 1 or more")
        return {
            "method": call.get("method", str),
            "product": call.get("product", str),
            "path": call.get("path", str),
            "times": times,
            "probability": probability(call.get("probability", NUMBER)),
        }

    def add_fault(self, call: Call) -> dict[str, Any]:
        """Add a fault of any ``kind`` (``emu.faults.add``)."""
        call.fields(*MATCH, "kind", "status", "retry_after", "seconds", "before_send")
        kind = call.need("kind", str)
        if kind not in ("status", "latency", "drop"):
            raise bad_request(f"Invalid kind {kind!r}: expected status, latency or drop")
        status = call.get("status", int, 0)
        if kind == "status" and not 400 <= status <= 599:
            raise bad_request(f"Invalid status {status!r}: expected an HTTP error status")
        fault = Fault(
            kind,
            status=status,
            retry_after=call.get("retry_after", NUMBER),
            seconds=float(call.get("seconds", NUMBER, 0.0)),
            before_send=call.get("before_send", bool, True),
            **self._matching(call),
        )
        return self._fault_json(self._added(lambda: self.emu.faults.add(fault)))

    def _added(self, make: Callable[[], Fault]) -> Fault:
        try:
            return make()
        except ValueError as exc:
            raise bad_request(str(exc)) from None

    def rate_limit(self, call: Call) -> dict[str, Any]:
        """Add a 429 fault with ``Retry-After``."""
        call.fields(*MATCH, "retry_after")
        retry_after = call.get("retry_after", NUMBER, 1)
        faults = self.emu.faults
        fault = self._added(
            lambda: faults.rate_limit(retry_after=retry_after, **self._matching(call))
        )
        return self._fault_json(fault)

    def server_error(self, call: Call) -> dict[str, Any]:
        """Add a 5xx fault."""
        call.fields(*MATCH, "status", "retry_after")
        status = call.get("status", int, 503)
        if not 500 <= status <= 599:
            raise bad_request(f"Invalid status {status!r}: expected a 5xx status")
        retry_after = call.get("retry_after", NUMBER)
        faults = self.emu.faults
        fault = self._added(
            lambda: faults.server_error(status, retry_after=retry_after, **self._matching(call))
        )
        return self._fault_json(fault)

    def precondition_failed(self, call: Call) -> dict[str, Any]:
        """Add a 412 fault."""
        call.fields(*MATCH)
        faults = self.emu.faults
        return self._fault_json(
            self._added(lambda: faults.precondition_failed(**self._matching(call)))
        )

    def latency(self, call: Call) -> dict[str, Any]:
        """Add a latency fault of ``seconds``."""
        call.fields(*MATCH, "seconds")
        seconds = float(call.need("seconds", NUMBER))
        if seconds < 0:
            raise bad_request(f"Invalid seconds {seconds!r}: expected 0 or more")
        faults = self.emu.faults
        return self._fault_json(
            self._added(lambda: faults.latency(seconds, **self._matching(call)))
        )

    def drop(self, call: Call) -> dict[str, Any]:
        """Add a dropped-connection fault (``before_send`` or after)."""
        call.fields(*MATCH, "before_send")
        before = call.get("before_send", bool, True)
        faults = self.emu.faults
        return self._fault_json(
            self._added(lambda: faults.drop(before_send=before, **self._matching(call)))
        )

    def remove_fault(self, call: Call) -> None:
        """Remove the fault with the path's ``id``."""
        call.fields()
        wanted = call.params["fault"]
        for fault in list(self.emu.faults.active):
            if self._fault_id(fault) == wanted:
                self.emu.faults.remove(fault)
                return
        raise not_found(f"fault {wanted}")

    def clear_faults(self, call: Call) -> None:
        """Remove every fault."""
        call.fields()
        self.emu.faults.clear()
        self._fault_ids.clear()

    def reseed_faults(self, call: Call) -> None:
        """Restart the generator behind probabilistic faults with ``seed``."""
        call.fields("seed")
        self.emu.faults.reseed(call.need("seed", int))

    def decide(self, call: Call) -> dict[str, Any]:
        """Consult the faults as a request would (counts as a strike)."""
        call.fields("method", "product", "path", "template")
        decision = self.emu.faults.decide(
            call.need("method", str),
            call.need("product", str),
            call.need("path", str),
            call.get("template", str),
        )
        resp = decision.response
        return {
            "response": None
            if resp is None
            else {"status": resp.status, "headers": resp.headers, "body": resp.parsed()},
            "delay": decision.delay,
            "drop_before": decision.drop_before,
            "drop_after": decision.drop_after,
        }
