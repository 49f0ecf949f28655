"""Step 5: did the message reach the Studio flow?  The execution for the conversation and its
failing step (HTTP Request, Run Function, Send to Flex) with the error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import attributes_of, check

__all__ = ["FAILED_EVENTS", "check_studio", "execution_conversation", "interaction_of"]

#: Step events that mean the widget failed.
FAILED_EVENTS = frozenset({"failed", "fail", "failedToEnqueue", "timeout", "deliveryFailure"})


def execution_conversation(context: Mapping[str, Any]) -> str | None:
    """The conversation an execution's context says it ran for."""
    ctx = context.get("context") if "context" in context else context
    trigger = (ctx or {}).get("trigger") or {}
    conv = trigger.get("conversation") or {}
    sid = conv.get("ConversationSid")
    return str(sid) if sid else None


def _step_error(step: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    ctx = attributes_of(step.get("context"))
    widgets = ctx.get("widgets") or {}
    widget = widgets.get(step.get("name")) or {}
    event = ctx.get("event")
    if not isinstance(widget, Mapping):
        widget = {}
    return (str(event) if event is not None else None), widget


def interaction_of(steps: Iterable[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    """The interaction and channel SIDs a Send to Flex step recorded."""
    for step in steps:
        _, widget = _step_error(step)
        if widget.get("InteractionSid"):
            return str(widget["InteractionSid"]), widget.get("InteractionChannelSid")
    return None, None


def check_studio(
    flow_sid: str | None,
    execution: Mapping[str, Any] | None,
    steps: Iterable[Mapping[str, Any]],
) -> Check:
    """``execution`` is the one that ran for the conversation (``None`` when none did)."""
    if execution is None:
        return check(
            "studio",
            "failed",
            {"flow_sid": flow_sid},
            problem=f"No execution of {flow_sid} for this conversation: the message never "
            "reached the flow.",
            fix="Check the flow is published and that its trigger has an Incoming Conversation "
            "transition; check the conversation's studio webhook.",
        )
    evidence: dict[str, Any] = {
        "flow_sid": flow_sid,
        "execution_sid": execution.get("sid"),
        "status": execution.get("status"),
        "date_created": execution.get("date_created"),
    }
    path = []
    for step in steps:
        event, widget = _step_error(step)
        path.append(f"{step.get('name')}:{event}")
        if event in FAILED_EVENTS or widget.get("error"):
            evidence.update(
                {
                    "step_sid": step.get("sid"),
                    "widget": step.get("name"),
                    "widget_type": step.get("type"),
                    "event": event,
                    "error": widget.get("error"),
                    "status_code": widget.get("status_code"),
                }
            )
            return check(
                "studio",
                "failed",
                evidence,
                problem=f"Studio widget {step.get('name')} ({step.get('type')}) failed: "
                f"{widget.get('error') or event}.",
                fix="Fix the widget's endpoint or function (see the step's context in Studio "
                "logs) and wire its failure transition to a Send to Flex or a reply.",
            )
    evidence["steps"] = path
    return check("studio", "ok", evidence)
