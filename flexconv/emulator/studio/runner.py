"""Studio's flow runner: starting executions from a conversation's Studio webhook or a REST
request and running the widgets (``send-to-flex``, ``send-message``, ...)."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError
from flexconv.emulator.studio.entities import Execution, Flow, Step, render
from flexconv.emulator.studio.state import StudioState
from flexconv.emulator.studio.widgets import CALLOUT_WIDGETS, run_callout

if TYPE_CHECKING:
    from flexconv.emulator.conversations.api import Conversation, Message


class StudioRunner(StudioState):
    """Runs flows: executions and their steps."""

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
            (
                p
                for p in self.emu.conversations.participants_of(conv)
                if p.sid == msg.participant_sid
            ),
            None,
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
            elif kind in CALLOUT_WIDGETS:
                outcome, widget_context = run_callout(self.emu, kind, props)
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
            "workspace_sid": self.emu.flex.configuration_value("taskrouter_workspace_sid"),
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
