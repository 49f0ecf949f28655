"""Studio v2: flows, executions and steps, enough to trace a message through Send to Flex.

The flow runner understands these widget types: ``trigger`` (events ``incomingConversationMessage``
for a conversation's Studio webhook, ``incomingMessage``, ``incomingRequest`` for a REST
execution), ``send-to-flex`` (creates a Flex interaction for the conversation using the widget's
``workflow``, ``channel``, ``attributes``, ``priority`` and ``timeout``, in the workspace named by
the Flex Configuration; transitions ``callComplete`` / ``failedToEnqueue``) and ``send-message``
(appends the widget's ``body`` to the conversation as ``system``; transition ``sent``).  Any other
widget is recorded as a step and ends the execution.  ``{{a.b.c}}`` placeholders in widget
properties are filled from the execution context (``trigger.conversation.*``, ``flow.*``).
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._base import ApiError, EmuRequest, EmuResponse, bad_request, iso, not_found, paginate

if TYPE_CHECKING:
    from .conversations.api import Conversation, Message
    from .core import Emulator

PRODUCT = "studio"
DEFAULT_BASE = "https://studio.twilio.com"

_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def messaging_flow_definition(
    workflow_sid: str | None, task_channel_sid: str | None
) -> dict[str, Any]:
    """The definition of Flex's default "Messaging Flow": the trigger hands every incoming
    conversation message to a Send to Flex widget."""
    attributes = {
        "name": "{{trigger.conversation.ChannelAttributes.from}}",
        "channelType": "{{trigger.conversation.ChannelAttributes.channel_type}}",
        "channelSid": "{{trigger.conversation.ConversationSid}}",
    }
    return {
        "description": "Messaging Flow",
        "states": [
            {
                "name": "Trigger",
                "type": "trigger",
                "transitions": [
                    {"event": "incomingMessage"},
                    {"event": "incomingCall"},
                    {"event": "incomingConversationMessage", "next": "SendMessageToAgent"},
                    {"event": "incomingRequest"},
                    {"event": "incomingParent"},
                ],
                "properties": {"offset": {"x": 0, "y": 0}},
            },
            {
                "name": "SendMessageToAgent",
                "type": "send-to-flex",
                "transitions": [
                    {"event": "callComplete"},
                    {"event": "failedToEnqueue"},
                    {"event": "callFailure"},
                ],
                "properties": {
                    "offset": {"x": 30, "y": 200},
                    "workflow": workflow_sid,
                    "channel": task_channel_sid,
                    "attributes": json.dumps(attributes),
                },
            },
        ],
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
    }


@dataclass
class Flow:
    """A Studio flow (``FW…``)."""

    sid: str
    friendly_name: str
    definition: dict[str, Any]
    status: str
    revision: int
    commit_message: str | None
    date_created: datetime
    date_updated: datetime

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "author_sid": None,
            "friendly_name": self.friendly_name,
            "definition": self.definition,
            "status": self.status,
            "revision": self.revision,
            "commit_message": self.commit_message,
            "valid": True,
            "errors": [],
            "warnings": [],
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "webhook_url": f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{self.sid}",
            "url": url,
            "links": {
                "test_users": f"{url}/TestUsers",
                "revisions": f"{url}/Revisions",
                "executions": f"{url}/Executions",
            },
        }


@dataclass
class Step:
    """An execution step (``FT…``): one widget run."""

    sid: str
    flow_sid: str
    execution_sid: str
    name: str
    type: str
    transitioned_from: str
    transitioned_to: str
    context: dict[str, Any]
    date_created: datetime

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.flow_sid}/Executions/{self.execution_sid}/Steps/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "flow_sid": self.flow_sid,
            "execution_sid": self.execution_sid,
            "parent_step_sid": None,
            "name": self.name,
            "context": self.context,
            "transitioned_from": self.transitioned_from,
            "transitioned_to": self.transitioned_to,
            "type": self.type,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_created),
            "url": url,
            "links": {"step_context": f"{url}/Context"},
        }


@dataclass
class Execution:
    """A flow execution (``FN…``)."""

    sid: str
    flow_sid: str
    flow_version: int
    contact_channel_address: str
    contact_sid: str
    context: dict[str, Any]
    status: str
    date_created: datetime
    date_updated: datetime
    conversation_sid: str | None = None
    steps: list[Step] = field(default_factory=list)

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.flow_sid}/Executions/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "flow_sid": self.flow_sid,
            "contact_channel_address": self.contact_channel_address,
            "contact_sid": self.contact_sid,
            "flow_version": self.flow_version,
            "context": self.context,
            "status": self.status,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "initiated_by": self.contact_sid,
            "url": url,
            "links": {"steps": f"{url}/Steps", "execution_context": f"{url}/Context"},
        }


def _lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return ""
    return value


def render(template: Any, context: dict[str, Any]) -> Any:
    """Fill ``{{a.b}}`` placeholders in strings (recursively in dicts and lists)."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: str(_lookup(context, m.group(1))), template)
    if isinstance(template, dict):
        return {k: render(v, context) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, context) for v in template]
    return template


class Studio:
    """The Studio product: flows, executions, steps and a small flow runner."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.flows: dict[str, Flow] = {}
        self.executions: dict[str, Execution] = {}
        #: Problems met while running flows (a missing or draft flow, a failed widget).
        self.errors: list[str] = []
        self._register()

    # ------------------------------------------------------------------ Python API
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

    def on_conversation_message(
        self, flow_sid: str, conv: Conversation, msg: Message
    ) -> Execution | None:
        """A conversation's Studio webhook fired for ``msg`` (onMessageAdded)."""
        flow = self.flows.get(flow_sid)
        if flow is None or flow.status != "published":
            self.errors.append(f"Studio flow {flow_sid} is missing or not published ({conv.sid})")
            return None
        for ex in self.executions.values():
            if (
                ex.flow_sid == flow_sid
                and ex.conversation_sid == conv.sid
                and ex.status == "active"
            ):
                return ex
        customer = next(
            (p for p in conv.participants.values() if p.sid == msg.participant_sid), None
        )
        address = (customer.address if customer else None) or msg.author
        channel_type = "web"
        if customer is not None and customer.binding is not None:
            channel_type = str(customer.binding["type"])
        trigger = {
            "conversation": {
                "ConversationSid": conv.sid,
                "MessageSid": msg.sid,
                "Body": msg.body or "",
                "Author": msg.author,
                "ParticipantSid": msg.participant_sid or "",
                "Source": channel_type.upper(),
                "ChannelAttributes": {"from": address, "channel_type": channel_type},
            }
        }
        ex = self._new_execution(flow, address, trigger, conversation_sid=conv.sid)
        self._run(flow, ex, "incomingConversationMessage", conv=conv, channel_type=channel_type)
        return ex

    def _new_execution(
        self, flow: Flow, address: str, trigger: dict[str, Any], *, conversation_sid: str | None
    ) -> Execution:
        now = self.emu.clock.now()
        ex = Execution(
            sid=self.emu.sids.new("FN"),
            flow_sid=flow.sid,
            flow_version=flow.revision,
            contact_channel_address=address,
            contact_sid=self.emu.sids.new("FC"),
            context={
                "flow": {"flow_sid": flow.sid, "channel": {"address": address}},
                "trigger": trigger,
                "widgets": {},
            },
            status="active",
            date_created=now,
            date_updated=now,
            conversation_sid=conversation_sid,
        )
        self.executions[ex.sid] = ex
        return ex

    def _run(
        self,
        flow: Flow,
        ex: Execution,
        event: str,
        *,
        conv: Conversation | None = None,
        channel_type: str = "web",
    ) -> None:
        states = {s["name"]: s for s in flow.definition.get("states", [])}
        current = states.get(flow.definition.get("initial_state", "Trigger"))
        previous = "Trigger"
        hops = 0
        while current is not None and hops < 50:
            hops += 1
            kind = current.get("type", "")
            props = render(current.get("properties") or {}, ex.context)
            outcome: str | None
            widget_context: dict[str, Any] = {}
            if kind == "trigger":
                outcome = event
            elif kind == "send-to-flex":
                outcome, widget_context = self._send_to_flex(props, conv, channel_type)
            elif kind == "send-message" and conv is not None:
                try:
                    msg = self.emu.conversations.add_message(
                        conv,
                        author="system",
                        body=str(props.get("body", "")),
                        hooks=True,
                        source="API",
                    )
                    outcome, widget_context = (
                        "sent",
                        {"outbound": {"Body": msg.body, "MessageSid": msg.sid}},
                    )
                except ApiError as err:
                    outcome, widget_context = "failed", {"error": err.message}
            else:
                outcome = None
            ex.context["widgets"][current["name"]] = widget_context
            nxt = None
            for t in current.get("transitions", []):
                if t.get("event") == outcome:
                    nxt = t.get("next")
            step = Step(
                sid=self.emu.sids.new("FT"),
                flow_sid=flow.sid,
                execution_sid=ex.sid,
                name=str(current["name"]),
                type=str(kind),
                transitioned_from=previous,
                transitioned_to=str(nxt) if nxt else "Ended",
                context={"widgets": {current["name"]: widget_context}, "event": outcome},
                date_created=self.emu.clock.now(),
            )
            ex.steps.append(step)
            previous = str(current["name"])
            current = states.get(nxt) if nxt else None
        ex.status = "ended"
        ex.date_updated = self.emu.clock.now()

    def _send_to_flex(
        self, props: dict[str, Any], conv: Conversation | None, channel_type: str
    ) -> tuple[str, dict[str, Any]]:
        if conv is None:
            return "failedToEnqueue", {"error": "Send to Flex needs a conversation"}
        attributes: Any = props.get("attributes") or {}
        if isinstance(attributes, str):
            try:
                attributes = json.loads(attributes)
            except ValueError:
                return "failedToEnqueue", {"error": "attributes is not valid JSON"}
        routing: dict[str, Any] = {
            "workspace_sid": self.emu.flex.configuration.get("taskrouter_workspace_sid"),
            "workflow_sid": props.get("workflow"),
            "attributes": attributes,
        }
        channel = props.get("channel")
        if isinstance(channel, str) and channel.startswith("TC"):
            routing["task_channel_sid"] = channel
        elif channel:
            routing["task_channel_unique_name"] = channel
        for key in ("priority", "timeout"):
            if props.get(key) not in (None, ""):
                with contextlib.suppress(TypeError, ValueError):
                    routing[key] = int(props[key])
        try:
            inter = self.emu.flex.create_interaction(
                {
                    "type": channel_type,
                    "initiated_by": "customer",
                    "properties": {"media_channel_sid": conv.sid},
                },
                {"properties": routing},
            )
        except ApiError as err:
            self.errors.append(f"Send to Flex failed: {err.message}")
            return "failedToEnqueue", {"error": err.message}
        channel_sid = next(iter(inter.channels))
        return "callComplete", {"InteractionSid": inter.sid, "InteractionChannelSid": channel_sid}

    # ------------------------------------------------------------------ REST
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

    @property
    def _acc(self) -> str:
        return self.emu.account_sid

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
        items = [
            e.to_json(self._acc, req.base_url)
            for e in self.executions.values()
            if e.flow_sid == flow.sid and (status is None or e.status == status)
        ]
        for item in items:
            item.pop("context", None)
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
        for item in items:
            item.pop("context", None)
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


def _check_definition(definition: dict[str, Any]) -> None:
    states = definition.get("states")
    if not isinstance(states, list) or not states:
        raise bad_request("Definition needs a non-empty states list")
    names = set()
    for s in states:
        if not isinstance(s, dict) or "name" not in s or "type" not in s:
            raise bad_request("Every state needs a name and a type")
        names.add(s["name"])
    if definition.get("initial_state", "Trigger") not in names:
        raise bad_request("Definition's initial_state names no state")
