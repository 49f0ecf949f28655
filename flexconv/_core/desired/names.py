"""Names to SIDs: resolving the names a document refers to, and the request values of a change."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from flexconv._core import attachments as attach
from flexconv._core import routing as routing
from flexconv._core.desired.plan import AccountChange, AccountPlan
from flexconv._core.desired.spec import _PREFIX, _address_entry
from flexconv._core.errors import ValidationError
from flexconv._core.results import FieldChange
from flexconv._core.sids import is_sid
from flexconv._core.studio import messaging_flow_definition

_NEW = re.compile(r"\(new (\w+) '([^']*)'\)")


class Names:
    """Name -> SID for the kinds referred to by name, current and planned.

    A resource the plan creates has no SID yet: it gets a stand-in (a well-formed SID that
    `label` turns back into ``(new task_queue 'Sales')`` for display) until the walk records
    the real one with `record`.
    """

    def __init__(self) -> None:
        self._sids: dict[str, dict[str, str]] = {k: {} for k in _PREFIX}
        self._pending: dict[str, str] = {}

    def add(self, kind: str, name: str, sid: str) -> None:
        """A resource that exists."""
        self._sids[kind].setdefault(name, sid)

    def plan(self, kind: str, name: str) -> str:
        """A resource the plan creates: its stand-in SID."""
        digest = hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:32]
        sid = _PREFIX[kind] + digest
        self._pending[sid] = f"(new {kind} {name!r})"
        self._sids[kind][name] = sid
        return sid

    def record(self, kind: str, name: str, sid: str) -> None:
        """The real SID of a resource just created."""
        self._sids[kind][name] = sid

    def sid(self, kind: str, ref: str, where: str) -> str:
        """The SID a name (or a SID) refers to.

        Raises:
            ValidationError: nothing of that kind has that name.
        """
        if is_sid(ref, _PREFIX[kind]):
            return ref
        found = self._sids[kind].get(ref)
        if found is None:
            what = kind.replace("_", " ")
            raise ValidationError(f"{where}: no {what} named {ref!r}")
        return found

    def settle(self, value: Any) -> Any:
        """``value`` with each ``(new task_queue 'Sales')`` replaced by the SID recorded since."""
        if not isinstance(value, str | list | dict):
            return value

        def real(match: re.Match[str]) -> str:
            kind, name = match.group(1), match.group(2)
            sid = self._sids.get(kind, {}).get(name)
            return sid if sid is not None and sid not in self._pending else match.group(0)

        return json.loads(_NEW.sub(real, json.dumps(value)))

    def label(self, value: Any) -> Any:
        """``value`` with stand-in SIDs replaced by their ``(new ...)`` text."""
        if not self._pending:
            return value
        text = json.dumps(value)
        for sid, text_ in self._pending.items():
            text = text.replace(sid, text_.replace('"', "'"))
        return json.loads(text)


def settle(plan: AccountPlan, names: Names) -> None:
    """After applying: the plan's ``(new ...)`` stand-ins become the SIDs ``names`` recorded."""
    for item in plan.items:
        item.changes = {
            key: FieldChange(c.address_type, c.path, c.before, names.settle(c.after))
            for key, c in item.changes.items()
        }


def _workflow_config(
    entry: Mapping[str, Any], where: str, names: Names
) -> routing.WorkflowConfiguration:
    if "recipe" in entry:
        queue = names.sid("task_queue", entry["queue"], f"{where}.queue")
        default = (
            names.sid("task_queue", entry["default_queue"], f"{where}.default_queue")
            if "default_queue" in entry
            else None
        )
        kwargs = {k: entry[k] for k in ("timeout", "attribute", "by") if k in entry}
        try:
            return routing.last_agent_then_queue(queue, default_queue=default, **kwargs)
        except (ValidationError, TypeError) as exc:
            raise ValidationError(f"{where}: {exc}") from None
    filters = []
    for n, filt in enumerate(entry.get("filters", [])):
        at = f"{where}.filters[{n}]"
        targets = []
        for m, target in enumerate(filt["targets"]):
            data = dict(target)
            data["queue"] = names.sid("task_queue", target["queue"], f"{at}.targets[{m}].queue")
            try:
                targets.append(routing.RoutingTarget(**data))
            except (ValidationError, TypeError) as exc:
                raise ValidationError(f"{at}.targets[{m}]: {exc}") from None
        try:
            filters.append(
                routing.RoutingFilter(
                    expression=filt["expression"],
                    targets=tuple(targets),
                    friendly_name=filt.get("friendly_name"),
                )
            )
        except (ValidationError, TypeError) as exc:
            raise ValidationError(f"{at}: {exc}") from None
    default = (
        names.sid("task_queue", entry["default_queue"], f"{where}.default_queue")
        if "default_queue" in entry
        else None
    )
    return routing.WorkflowConfiguration(filters=tuple(filters), default_queue=default)


def _flow_definition(entry: Mapping[str, Any], where: str, names: Names) -> dict[str, Any]:
    stf = entry["send_to_flex"]
    workflow = names.sid("workflow", stf["workflow"], f"{where}.send_to_flex.workflow")
    channel = names.sid("task_channel", stf["task_channel"], f"{where}.send_to_flex.task_channel")
    return messaging_flow_definition(workflow, channel, attributes=stf.get("attributes"))


def _send_to_flex_fields(definition: Any) -> dict[str, Any]:
    """What a Messaging Flow's definition pins: the Send to Flex widget's workflow, task
    channel and attributes, and the trigger event that reaches it."""
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            return {}
    if not isinstance(definition, Mapping):
        return {}
    states = [s for s in definition.get("states") or [] if isinstance(s, Mapping)]
    widget = next((s for s in states if s.get("type") == "send-to-flex"), None)
    if widget is None:
        return {"send_to_flex": None}
    props = widget.get("properties") or {}
    attributes = props.get("attributes")
    if isinstance(attributes, str):
        with contextlib.suppress(ValueError):
            attributes = json.loads(attributes)
    trigger = next((s for s in states if s.get("type") == "trigger"), {})
    reaches = sorted(
        str(t.get("event"))
        for t in trigger.get("transitions") or []
        if isinstance(t, Mapping) and t.get("next") == widget.get("name")
    )
    return {
        "send_to_flex.workflow": props.get("workflow"),
        "send_to_flex.channel": props.get("channel"),
        "send_to_flex.attributes": attributes,
        "trigger.events": reaches,
    }


# ----------------------------------------------------------------------------- applying


def request_values(change: AccountChange, names: Names) -> dict[str, Any]:
    """The keyword arguments of the library call that makes ``change`` (create or update),
    with every name resolved through ``names`` (which holds the SIDs created so far)."""
    e = change.entry
    where = change.path or change.kind
    kind = change.kind
    if kind == "task_channel":
        return {k: e[k] for k in ("friendly_name", "channel_optimized_routing") if k in e}
    if kind == "activity":
        return {"available": e["available"]} if "available" in e else {}
    if kind == "task_queue":
        return {k: e[k] for k in ("target_workers", "max_reserved_workers", "task_order") if k in e}
    if kind == "workflow":
        out: dict[str, Any] = {"configuration": _workflow_config(e, where, names)}
        if "task_reservation_timeout" in e:
            out["task_reservation_timeout"] = e["task_reservation_timeout"]
        return out
    if kind == "flow":
        return {"definition": _flow_definition(e, where, names), "status": "published"}
    if kind == "address":
        desired = _address_entry(e, where, lambda ref, at: names.sid("flow", ref, at))
        if change.action == "create":
            return {
                "type": desired.type,
                "auto_creation": desired.auto_creation,
                "friendly_name": desired.friendly_name,
                "conversation_service_sid": desired.conversation_service_sid,
                "address_country": desired.address_country,
            }
        return {
            "auto_creation": desired.auto_creation if desired.auto_creation is not None else False,
            "friendly_name": desired.friendly_name,
            "conversation_service_sid": desired.conversation_service_sid,
        }
    if kind == "attachments":
        return {"changes": attach.check_changes(e)}
    if kind == "workspace":
        return {
            k: (e[k] if e[k] not in (None, []) else "")
            for k in ("event_callback_url", "events_filter")
            if k in e
        }
    if kind == "conversations_webhooks":
        out = {k: e[k] for k in ("method", "target") if k in e}
        for key in ("post_webhook_url", "pre_webhook_url"):
            if key in e:
                out[key] = e[key] or ""
        if "filters" in e:
            out["filters"] = list(e["filters"] or [])
        return out
    raise ValueError(f"no request for {kind}")  # pragma: no cover
