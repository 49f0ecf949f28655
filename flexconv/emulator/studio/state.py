"""Studio's state: flows, executions and run errors, creating and finding flows, and the
inspection snapshot."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import bad_request, not_found
from flexconv.emulator.studio.entities import Execution, Flow, _check_definition

if TYPE_CHECKING:
    from flexconv.emulator.studio.host import StudioHost


class StudioState:
    """Holds Studio's flows and executions (the base of `Studio`)."""

    def __init__(self, emu: StudioHost) -> None:
        self.emu = emu
        self.flows: dict[str, Flow] = {}
        self.executions: dict[str, Execution] = {}
        #: Problems met while running flows (a missing or draft flow, a failed widget).
        self.errors: list[str] = []

    def create_flow(
        self,
        friendly_name: str,
        definition: dict[str, Any],
        *,
        status: str = "published",
        commit_message: str | None = None,
    ) -> Flow:
        """Create a flow."""
        _check_definition(definition)
        if status not in ("draft", "published"):
            raise bad_request("Status must be draft or published")
        now = self.emu.clock.now()
        flow = Flow(
            self.emu.sids.new("FW"),
            friendly_name,
            copy.deepcopy(definition),
            status,
            1,
            commit_message,
            now,
            now,
        )
        self.flows[flow.sid] = flow
        return flow

    def get_flow(self, sid: str) -> Flow:
        flow = self.flows.get(sid)
        if flow is None:
            raise not_found(f"/v2/Flows/{sid}")
        return flow

    def snapshot(self) -> dict[str, Any]:
        acc = self._acc
        return {
            "flows": [f.to_json(acc) for f in self.flows.values()],
            "executions": [
                {**e.to_json(acc), "steps": [s.to_json(acc) for s in e.steps]}
                for e in self.executions.values()
            ],
            "errors": list(self.errors),
        }

    @property
    def _acc(self) -> str:
        return self.emu.account_sid
