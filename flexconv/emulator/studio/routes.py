"""Studio's HTTP routes (``/v2/Flows/...``): flows, executions, steps and their contexts."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import EmuRequest, EmuResponse, bad_request, not_found, paginate
from flexconv.emulator.studio.entities import PRODUCT, Execution, Step, _check_definition
from flexconv.emulator.studio.runner import StudioRunner

if TYPE_CHECKING:
    pass


class StudioRoutes(StudioRunner):
    """Registers Studio's routes and handles them."""

    def _register(self) -> None:
        add = self.emu.router.add
        p = PRODUCT
        add("GET", p, "/v2/Flows", self._h_list_flows)
        add("POST", p, "/v2/Flows", self._h_create_flow)
        add("GET", p, "/v2/Flows/{Sid}", self._h_fetch_flow)
        add("POST", p, "/v2/Flows/{Sid}", self._h_update_flow)
        add("DELETE", p, "/v2/Flows/{Sid}", self._h_delete_flow)
        e = "/v2/Flows/{FlowSid}/Executions"
        add("GET", p, e, self._h_list_executions)
        add("POST", p, e, self._h_create_execution)
        add("GET", p, f"{e}/{{Sid}}", self._h_fetch_execution)
        add("POST", p, f"{e}/{{Sid}}", self._h_update_execution)
        add("DELETE", p, f"{e}/{{Sid}}", self._h_delete_execution)
        add("GET", p, f"{e}/{{ExecutionSid}}/Context", self._h_execution_context)
        add("GET", p, f"{e}/{{ExecutionSid}}/Steps", self._h_list_steps)
        add("GET", p, f"{e}/{{ExecutionSid}}/Steps/{{Sid}}", self._h_fetch_step)
        add("GET", p, f"{e}/{{ExecutionSid}}/Steps/{{StepSid}}/Context", self._h_step_context)

    def _h_list_flows(self, req: EmuRequest) -> EmuResponse:
        return paginate(
            req, [f.to_json(self._acc, req.base_url) for f in self.flows.values()], "flows", 1000
        )

    def _definition(self, req: EmuRequest) -> dict[str, Any] | None:
        raw = req.json_value("Definition")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise bad_request("Definition must be a JSON object")
        return raw

    def _h_create_flow(self, req: EmuRequest) -> EmuResponse:
        name = req.value("FriendlyName")
        status = req.value("Status")
        definition = self._definition(req)
        if not name or not status or definition is None:
            raise bad_request("FriendlyName, Status and Definition are required")
        flow = self.create_flow(
            name, definition, status=status, commit_message=req.value("CommitMessage")
        )
        return EmuResponse.json(201, flow.to_json(self._acc, req.base_url))

    def _h_fetch_flow(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(
            200, self.get_flow(req.params["Sid"]).to_json(self._acc, req.base_url)
        )

    def _h_update_flow(self, req: EmuRequest) -> EmuResponse:
        flow = self.get_flow(req.params["Sid"])
        status = req.value("Status")
        if status not in ("draft", "published"):
            raise bad_request("Status is required: draft or published")
        definition = self._definition(req)
        if definition is not None:
            _check_definition(definition)
            flow.definition = definition
        if req.has("FriendlyName"):
            flow.friendly_name = req.value("FriendlyName") or flow.friendly_name
        flow.commit_message = req.value("CommitMessage", flow.commit_message)
        flow.status = status
        flow.revision += 1
        flow.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, flow.to_json(self._acc, req.base_url))

    def _h_delete_flow(self, req: EmuRequest) -> EmuResponse:
        flow = self.get_flow(req.params["Sid"])
        del self.flows[flow.sid]
        return EmuResponse(204)

    def _execution(self, req: EmuRequest, key: str = "Sid") -> Execution:
        self.get_flow(req.params["FlowSid"])
        ex = self.executions.get(req.params[key])
        if ex is None or ex.flow_sid != req.params["FlowSid"]:
            raise not_found(req.path)
        return ex

    def _h_list_executions(self, req: EmuRequest) -> EmuResponse:
        flow = self.get_flow(req.params["FlowSid"])
        status = req.q("status")
        if status is not None and status not in ("active", "ended"):
            raise bad_request("status must be active or ended")
        since = _date_param(req, "DateCreatedFrom")
        until = _date_param(req, "DateCreatedTo")
        items = [
            e.to_json(self._acc, req.base_url)
            for e in self.executions.values()
            if e.flow_sid == flow.sid
            and (status is None or e.status == status)
            and (since is None or e.date_created >= since)
            and (until is None or e.date_created <= until)
        ]
        return paginate(
            req,
            items,
            "executions",
            1000,
            keep_query=("status", "DateCreatedFrom", "DateCreatedTo"),
        )

    def _h_create_execution(self, req: EmuRequest) -> EmuResponse:
        flow = self.get_flow(req.params["FlowSid"])
        to = req.value("To")
        from_ = req.value("From")
        if not to or not from_:
            raise bad_request("To and From are required")
        params = req.json_value("Parameters") or {}
        if flow.status != "published":
            raise bad_request(f"Flow {flow.sid} has no published revision")
        trigger = {"request": {"to": to, "from": from_, "parameters": params}}
        ex = self._new_execution(flow, to, trigger, conversation_sid=None)
        self._run(flow, ex, "incomingRequest")
        return EmuResponse.json(201, ex.to_json(self._acc, req.base_url))

    def _h_fetch_execution(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._execution(req).to_json(self._acc, req.base_url))

    def _h_update_execution(self, req: EmuRequest) -> EmuResponse:
        ex = self._execution(req)
        if req.value("Status") != "ended":
            raise bad_request("Status must be ended")
        ex.status = "ended"
        ex.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, ex.to_json(self._acc, req.base_url))

    def _h_delete_execution(self, req: EmuRequest) -> EmuResponse:
        ex = self._execution(req)
        del self.executions[ex.sid]
        return EmuResponse(204)

    def _h_execution_context(self, req: EmuRequest) -> EmuResponse:
        ex = self._execution(req, "ExecutionSid")
        return EmuResponse.json(
            200,
            {
                "account_sid": self._acc,
                "context": ex.context,
                "flow_sid": ex.flow_sid,
                "execution_sid": ex.sid,
                "url": f"{req.base_url}/v2/Flows/{ex.flow_sid}/Executions/{ex.sid}/Context",
            },
        )

    def _h_list_steps(self, req: EmuRequest) -> EmuResponse:
        ex = self._execution(req, "ExecutionSid")
        items = [s.to_json(self._acc, req.base_url) for s in ex.steps]
        return paginate(req, items, "steps", 1000)

    def _step(self, req: EmuRequest, key: str) -> Step:
        ex = self._execution(req, "ExecutionSid")
        for s in ex.steps:
            if s.sid == req.params[key]:
                return s
        raise not_found(req.path)

    def _h_fetch_step(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._step(req, "Sid").to_json(self._acc, req.base_url))

    def _h_step_context(self, req: EmuRequest) -> EmuResponse:
        step = self._step(req, "StepSid")
        return EmuResponse.json(
            200,
            {
                "account_sid": self._acc,
                "context": step.context,
                "execution_sid": step.execution_sid,
                "flow_sid": step.flow_sid,
                "step_sid": step.sid,
                "url": f"{req.base_url}/v2/Flows/{step.flow_sid}/Executions/{step.execution_sid}/Steps/{step.sid}/Context",
            },
        )


def _date_param(req: EmuRequest, name: str) -> datetime | None:
    """An ISO 8601 date-time query parameter (UTC when it names no zone)."""
    raw = req.q(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 date-time, got {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
