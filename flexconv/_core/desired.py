"""The whole contact centre as desired state: the pure parts of ``client.account.ensure``.

One document (decoded YAML or JSON) describes task channels, activities, task queues,
workflows, Studio flows, addresses, attachment settings, the workspace's event callback and
the Conversations account webhooks.  This module parses and validates it (every error names
its place in the file), compares it with the account's current state (given as plain values),
orders the changes by dependency and turns names into SIDs.  No I/O.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flexconv._core import attachments as attach
from flexconv._core import channels as chan
from flexconv._core import routing as routing
from flexconv._core import routing_checks as checks
from flexconv._core.conversations_account import webhook_filters
from flexconv._core.errors import ValidationError
from flexconv._core.results import FieldChange
from flexconv._core.sids import is_sid
from flexconv._core.studio import messaging_flow_definition

__all__ = [
    "FLEX_DEFAULTS",
    "KINDS",
    "PROTECTED_TASK_CHANNELS",
    "SECTIONS",
    "AccountChange",
    "AccountPlan",
    "AccountSpec",
    "AccountState",
    "Names",
    "parse_spec",
    "plan_account",
    "request_values",
]

#: The top-level keys of a desired-state document, in the order they are applied.
SECTIONS: tuple[str, ...] = (
    "task_channels",
    "activities",
    "task_queues",
    "workflows",
    "flows",
    "addresses",
    "attachments",
    "workspace",
    "conversations_webhooks",
)

#: The kind of resource each section holds (``AccountChange.kind``).
KINDS: dict[str, str] = {
    "task_channels": "task_channel",
    "activities": "activity",
    "task_queues": "task_queue",
    "workflows": "workflow",
    "flows": "flow",
    "addresses": "address",
    "attachments": "attachments",
    "workspace": "workspace",
    "conversations_webhooks": "conversations_webhooks",
}

#: SID prefixes of the kinds that are referred to by name.
_PREFIX = {"task_channel": "TC", "task_queue": "WQ", "workflow": "WW", "flow": "FW"}

#: Task channels TaskRouter and Flex create in every workspace: never pruned.
PROTECTED_TASK_CHANNELS = frozenset({"default", "voice", "chat", "sms", "video", "email"})

#: What Flex creates in a new account, by kind and name: never pruned (besides the SIDs the
#: Flex Configuration and the workspace name, see `AccountState.protected`).
FLEX_DEFAULTS: dict[str, frozenset[str]] = {
    "task_channel": PROTECTED_TASK_CHANNELS,
    "activity": frozenset({"Available", "Unavailable", "Offline", "Break"}),
    "task_queue": frozenset({"Everyone"}),
    "workflow": frozenset({"Assign to Anyone"}),
    "flow": frozenset({"Messaging Flow", "Voice IVR"}),
}

_Action = Literal["create", "update", "unchanged", "delete"]


# ----------------------------------------------------------------------------- the document


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _keys(
    entry: Mapping[str, Any], where: str, allowed: Sequence[str], required: Sequence[str] = ()
) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise ValidationError(
            f"{where}: unknown key {', '.join(map(repr, unknown))}; expected {', '.join(allowed)}"
        )
    for key in required:
        if key not in entry:
            raise ValidationError(f"{where}.{key}: required")


def _name(value: object, where: str, limit: int = 64) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValidationError(
            f"{where}: expected a non-empty name of at most {limit} characters, got {value!r}"
        )
    return value


def _check(where: str, check: Callable[..., object], *args: Any) -> None:
    """Run a library check; its error gets the place in the file in front."""
    try:
        check(*args)
    except (ValidationError, TypeError) as exc:
        raise ValidationError(f"{where}: {exc}") from None


def _list(value: object, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise ValidationError(f"{where}: expected a list, got {type(value).__name__}")
    return [_mapping(e, f"{where}[{n}]") for n, e in enumerate(value)]


def _unique(entries: Sequence[Mapping[str, Any]], key: str, section: str) -> None:
    seen: dict[str, int] = {}
    for n, entry in enumerate(entries):
        name = entry[key]
        if name in seen:
            raise ValidationError(
                f"{section}[{n}].{key}: {name!r} is already {section}[{seen[name]}]"
            )
        seen[name] = n


_TARGET_KEYS = (
    "queue",
    "expression",
    "timeout",
    "priority",
    "known_worker_sid",
    "known_worker_friendly_name",
    "order_by",
    "skip_if",
)
_RECIPES = {"last_agent_then_queue": ("queue", "timeout", "attribute", "by", "default_queue")}


def _parse_workflow(entry: Mapping[str, Any], where: str) -> None:
    if "recipe" not in entry:
        _keys(
            entry,
            where,
            ("friendly_name", "task_reservation_timeout", "filters", "default_queue", "recipe"),
            ("friendly_name",),
        )
    if "friendly_name" not in entry:
        raise ValidationError(f"{where}.friendly_name: required")
    _name(entry["friendly_name"], f"{where}.friendly_name")
    if "task_reservation_timeout" in entry:
        value = entry["task_reservation_timeout"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 86400:
            raise ValidationError(
                f"{where}.task_reservation_timeout: expected whole seconds from 1 to 86400 "
                f"(TaskRouter's limit), got {value!r}"
            )
    if "recipe" in entry:
        recipe = entry["recipe"]
        if recipe not in _RECIPES:
            raise ValidationError(
                f"{where}.recipe: expected one of {', '.join(_RECIPES)}, got {recipe!r}"
            )
        _keys(
            entry,
            where,
            ("friendly_name", "task_reservation_timeout", "recipe", *_RECIPES[recipe]),
            ("queue",),
        )
        _name(entry["queue"], f"{where}.queue")
        if "default_queue" in entry:
            _name(entry["default_queue"], f"{where}.default_queue")
        return
    if "default_queue" in entry:
        _name(entry["default_queue"], f"{where}.default_queue")
    for n, filt in enumerate(_list(entry.get("filters", []), f"{where}.filters")):
        at = f"{where}.filters[{n}]"
        _keys(filt, at, ("friendly_name", "expression", "targets"), ("expression", "targets"))
        targets = _list(filt["targets"], f"{at}.targets")
        if not targets:
            raise ValidationError(f"{at}.targets: a filter needs at least one target")
        for m, target in enumerate(targets):
            _keys(target, f"{at}.targets[{m}]", _TARGET_KEYS, ("queue",))
            _name(target["queue"], f"{at}.targets[{m}].queue")


def _parse_flow(entry: Mapping[str, Any], where: str) -> None:
    _keys(entry, where, ("friendly_name", "send_to_flex"), ("friendly_name", "send_to_flex"))
    _name(entry["friendly_name"], f"{where}.friendly_name", 200)
    stf = _mapping(entry["send_to_flex"], f"{where}.send_to_flex")
    _keys(
        stf,
        f"{where}.send_to_flex",
        ("workflow", "task_channel", "attributes"),
        ("workflow", "task_channel"),
    )
    _name(stf["workflow"], f"{where}.send_to_flex.workflow")
    _name(stf["task_channel"], f"{where}.send_to_flex.task_channel")
    if "attributes" in stf:
        _mapping(stf["attributes"], f"{where}.send_to_flex.attributes")


_ADDRESS_KEYS = (
    "address",
    "type",
    "auto_creation",
    "friendly_name",
    "conversation_service_sid",
    "address_country",
)


def _address_entry(
    entry: Mapping[str, Any], where: str, flow_sid: Callable[[str, str], str]
) -> chan.DesiredAddress:
    """A desired address; ``auto_creation.flow`` (a flow's name) becomes ``flow_sid``."""
    data = dict(entry)
    target = data.get("auto_creation")
    if isinstance(target, Mapping) and "flow" in target:
        target = dict(target)
        if "flow_sid" in target:
            raise ValidationError(f"{where}.auto_creation: give flow or flow_sid, not both")
        flow = _name(target.pop("flow"), f"{where}.auto_creation.flow", 200)
        target["flow_sid"] = flow_sid(flow, f"{where}.auto_creation.flow")
        data["auto_creation"] = target
    try:
        [desired] = chan.desired_from_mapping([data])
    except (ValidationError, TypeError) as exc:
        raise ValidationError(f"{where}: {str(exc).removeprefix('addresses[0]')}") from None
    return desired


@dataclass(frozen=True)
class AccountSpec:
    """A parsed, validated desired-state document (see `parse_spec`).

    Each section is the list (or mapping) the document gave, checked: unknown keys, missing
    names, duplicates and malformed values are refused with the path in the document.
    References between sections (a workflow naming its queues) are checked against the
    account's current state by `plan_account`.
    """

    sections: dict[str, Any]
    """Section name -> its checked content (only the sections the document has)."""

    def has(self, section: str) -> bool:
        """Whether the document has this section."""
        return section in self.sections

    def entries(self, section: str) -> list[Mapping[str, Any]]:
        """The entries of a list section (empty when absent)."""
        value = self.sections.get(section, [])
        return list(value) if isinstance(value, list) else []


def parse_spec(document: object) -> AccountSpec:
    """Check a decoded desired-state document and return it as an `AccountSpec`.

    Raises:
        ValidationError: the first problem, naming its path
            (``task_queues[1].max_reserved_workers: ...``).
    """
    if isinstance(document, AccountSpec):
        return document
    doc = _mapping(document, "the document")
    _keys(doc, "the document", SECTIONS)
    out: dict[str, Any] = {}
    for section in SECTIONS:
        if section not in doc:
            continue
        raw = doc[section]
        if raw is None:
            raw = (
                [] if section not in ("attachments", "workspace", "conversations_webhooks") else {}
            )
        if section == "task_channels":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                at = f"{section}[{n}]"
                _keys(
                    e,
                    at,
                    ("unique_name", "friendly_name", "channel_optimized_routing"),
                    ("unique_name",),
                )
                _check(f"{at}.unique_name", chan.check_unique_name, e["unique_name"])
                if "friendly_name" in e:
                    _name(e["friendly_name"], f"{at}.friendly_name")
                if "channel_optimized_routing" in e and not isinstance(
                    e["channel_optimized_routing"], bool
                ):
                    raise ValidationError(f"{at}.channel_optimized_routing: expected true or false")
            _unique(entries, "unique_name", section)
        elif section == "activities":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                at = f"{section}[{n}]"
                _keys(e, at, ("friendly_name", "available"), ("friendly_name",))
                _name(e["friendly_name"], f"{at}.friendly_name")
                if "available" in e and not isinstance(e["available"], bool):
                    raise ValidationError(f"{at}.available: expected true or false")
            _unique(entries, "friendly_name", section)
        elif section == "task_queues":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                at = f"{section}[{n}]"
                _keys(
                    e,
                    at,
                    ("friendly_name", "target_workers", "max_reserved_workers", "task_order"),
                    ("friendly_name",),
                )
                _name(e["friendly_name"], f"{at}.friendly_name")
                if "target_workers" in e:
                    _check(
                        f"{at}.target_workers",
                        checks.text,
                        e["target_workers"],
                        "target_workers",
                    )
                if "max_reserved_workers" in e:
                    _check(
                        f"{at}.max_reserved_workers",
                        checks.max_reserved_workers,
                        e["max_reserved_workers"],
                    )
                if "task_order" in e:
                    _check(
                        f"{at}.task_order",
                        checks.task_order,
                        e["task_order"],
                        "task_order",
                    )
            _unique(entries, "friendly_name", section)
        elif section == "workflows":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                _parse_workflow(e, f"{section}[{n}]")
            _unique(entries, "friendly_name", section)
        elif section == "flows":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                _parse_flow(e, f"{section}[{n}]")
            _unique(entries, "friendly_name", section)
        elif section == "addresses":
            entries = _list(raw, section)
            for n, e in enumerate(entries):
                at = f"{section}[{n}]"
                _keys(e, at, _ADDRESS_KEYS, ("address",))
                # shape check now; the flow's SID is resolved when planning
                _address_entry(e, at, lambda _name, _where: "FW" + "0" * 32)
            _unique(entries, "address", section)
        elif section == "attachments":
            settings = _mapping(raw, section)
            for kind, change in settings.items():
                _mapping(change, f"{section}.{kind}")
            _check(section, attach.check_changes, settings)
            entries = dict(settings)  # type: ignore[assignment]
        elif section == "workspace":
            e = _mapping(raw, section)
            _keys(e, section, ("event_callback_url", "events_filter"))
            _check(
                f"{section}.event_callback_url",
                checks.callback_url,
                e.get("event_callback_url"),
                "event_callback_url",
            )
            _check(f"{section}.events_filter", checks.events_filter, e.get("events_filter"))
            entries = dict(e)  # type: ignore[assignment]
        else:  # conversations_webhooks
            e = _mapping(raw, section)
            _keys(
                e, section, ("post_webhook_url", "pre_webhook_url", "filters", "method", "target")
            )
            for key in ("post_webhook_url", "pre_webhook_url"):
                _check(f"{section}.{key}", checks.callback_url, e.get(key), key)
            _check(f"{section}.filters", webhook_filters, e.get("filters"))
            if e.get("method", "POST") not in ("GET", "POST"):
                raise ValidationError(
                    f"{section}.method: expected GET or POST, got {e['method']!r}"
                )
            if e.get("target", "webhook") not in ("webhook", "flex"):
                raise ValidationError(
                    f"{section}.target: expected webhook or flex, got {e['target']!r}"
                )
            entries = dict(e)  # type: ignore[assignment]
        out[section] = entries
    return AccountSpec(out)


# ----------------------------------------------------------------------------- the plan


@dataclass
class AccountChange:
    """What ``client.account.ensure`` does (or would do) with one resource.

    Attributes:
        kind: ``task_channel``, ``activity``, ``task_queue``, ``workflow``, ``flow``,
            ``address``, ``attachments``, ``workspace`` or ``conversations_webhooks``.
        name: The resource's name (unique name, friendly name, address...).
        action: ``"create"``, ``"update"``, ``"unchanged"`` or ``"delete"``.
        sid: Its SID (``None`` for a create not yet applied).
        changes: For updates (and creates), field -> [`FieldChange`][flexconv._core.results.FieldChange].
        path: Where it is in the document (``task_queues[0]``); ``None`` for deletes.
        entry: The document's entry (names, not SIDs).
        result: After applying: what Twilio returned.
    """

    kind: str
    name: str
    action: _Action
    sid: str | None = None
    changes: dict[str, FieldChange] = field(default_factory=dict)
    path: str | None = None
    entry: Any = None
    result: Any = None

    @property
    def label(self) -> str:
        """``task_queue 'Sales'``: the kind and the name."""
        return f"{self.kind} {self.name!r}"

    def describe(self) -> str:
        """One line (plus one per changed field)."""
        head = f"{self.action:<9} {self.kind:<22} {self.name}"
        if self.sid:
            head += f" ({self.sid})"
        lines = [head]
        for name, change in self.changes.items():
            if self.action == "create":
                lines.append(f"    {name}: {change.after!r}")
            else:
                lines.append(f"    {name}: {change.before!r} -> {change.after!r}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON-ready values."""
        return {
            "kind": self.kind,
            "name": self.name,
            "action": self.action,
            "sid": self.sid,
            "path": self.path,
            "changes": {k: {"old": c.before, "new": c.after} for k, c in self.changes.items()},
        }


@dataclass
class AccountPlan:
    """The plan (``dry_run=True``) or the result of ``client.account.ensure``.

    Attributes:
        items: One entry per resource, in the order they are (or would be) applied: creates
            and updates in dependency order (task channels, activities, queues, workflows,
            flows, addresses, attachments, workspace, account webhooks), then deletes in the
            reverse order.
        applied: Whether the changes were written.
    """

    items: list[AccountChange] = field(default_factory=list)
    applied: bool = False

    def _of(self, action: str) -> list[AccountChange]:
        return [i for i in self.items if i.action == action]

    @property
    def created(self) -> list[AccountChange]:
        """Resources created (or to create)."""
        return self._of("create")

    @property
    def updated(self) -> list[AccountChange]:
        """Resources updated, each with its field diffs in ``changes``."""
        return self._of("update")

    @property
    def unchanged(self) -> list[AccountChange]:
        """Resources already as described."""
        return self._of("unchanged")

    @property
    def deleted(self) -> list[AccountChange]:
        """Resources deleted (``prune=True``)."""
        return self._of("delete")

    @property
    def changed(self) -> bool:
        """Whether the plan writes anything."""
        return any(i.action != "unchanged" for i in self.items)

    def find(self, kind: str, name: str) -> AccountChange | None:
        """The change of one resource, or ``None``."""
        return next((i for i in self.items if i.kind == kind and i.name == name), None)

    def describe(self, *, unchanged: bool = False) -> str:
        """The plan as text: one block per change (``unchanged=True`` lists the rest too),
        then a summary; ``Nothing to do.`` when nothing differs."""
        lines = [i.describe() for i in self.items if unchanged or i.action != "unchanged"]
        counts = (len(self.created), len(self.updated), len(self.unchanged), len(self.deleted))
        if not self.changed:
            lines.append(f"Nothing to do: {counts[2]} unchanged.")
        elif self.applied:
            lines.append("{} created, {} updated, {} unchanged, {} deleted".format(*counts))
        else:
            lines.append(
                "{} to create, {} to update, {} unchanged, {} to delete "
                "(plan only: nothing written)".format(*counts)
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready values."""
        return {"applied": self.applied, "items": [i.to_dict() for i in self.items]}


@dataclass
class AccountState:
    """The account's current state, as read by ``client.account.ensure`` (plain values).

    Lists hold the library's models (or anything with the same attributes).  ``flows`` need
    their ``definition``; a section the document lacks may be left empty.
    """

    task_channels: list[Any] = field(default_factory=list)
    """The workspace's task channels (`TaskChannel`)."""
    activities: list[Any] = field(default_factory=list)
    """The workspace's activities (`Activity`)."""
    task_queues: list[Any] = field(default_factory=list)
    """The workspace's task queues (`TaskQueue`)."""
    workflows: list[Any] = field(default_factory=list)
    """The workspace's workflows (`Workflow`, with their configuration)."""
    flows: list[Any] = field(default_factory=list)
    """The account's Studio flows (`Flow`; those the document names with their definition)."""
    addresses: list[Any] = field(default_factory=list)
    """The Conversations address configurations (`Address`)."""
    channel_configs: list[Any] = field(default_factory=list)
    """The Flex Configuration's ``channel_configs`` (attachment settings among them)."""
    workspace: Any = None
    """The workspace (`Workspace`), for its event callback."""
    conversations_webhooks: Any = None
    """The Conversations account webhooks (`ConversationsWebhooks`)."""
    protected: frozenset[str] = frozenset()
    """SIDs never pruned: the Flex Configuration's workflow and queue, the workspace's default
    and timeout activities."""


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


def _change(kind: str, name: str, before: Any, after: Any) -> FieldChange:
    return FieldChange(kind, tuple(name.split(".")), before, after)


def _diff(
    kind: str, want: Mapping[str, Any], have: Mapping[str, Any] | None, names: Names
) -> dict[str, FieldChange]:
    out: dict[str, FieldChange] = {}
    for key, value in want.items():
        before = have.get(key) if have is not None else None
        if have is None or before != value:
            out[key] = _change(kind, key, before, names.label(value))
    return out


def _events(value: object) -> list[str] | None:
    if value is None or value == "":
        return None
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return sorted(str(i).strip() for i in items if str(i).strip())


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


def _by_name(items: Iterable[Any], attr: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key = getattr(item, attr, None)
        if isinstance(key, str):
            out.setdefault(key, item)
    return out


def plan_account(spec: AccountSpec, state: AccountState, *, prune: bool = False) -> AccountPlan:
    """Compare a desired-state document with the account's current state.

    Resources are matched by name (a task channel's unique name, an address, the friendly
    name of the rest).  A field the document leaves out is not compared.  Names in
    references resolve to what the document creates or to what the account has.  With
    ``prune``, every resource of a section the document has, and not listed in it, is planned
    for deletion, except Flex's defaults (`FLEX_DEFAULTS`, by name) and the SIDs in
    ``state.protected``; sections the document lacks are never pruned.

    Raises:
        ValidationError: a reference names nothing (``workflows[1].filters[0].targets[0].queue:
            no task queue named 'Sales'``), or a change TaskRouter cannot make (an
            activity's availability).
    """
    names = Names()
    for kind, items, attr in (
        ("task_channel", state.task_channels, "unique_name"),
        ("task_queue", state.task_queues, "friendly_name"),
        ("workflow", state.workflows, "friendly_name"),
        ("flow", state.flows, "friendly_name"),
    ):
        for have_ in items:
            key = getattr(have_, attr, None)
            if isinstance(key, str) and isinstance(getattr(have_, "sid", None), str):
                names.add(kind, key, have_.sid)
    current = {
        "task_channel": _by_name(state.task_channels, "unique_name"),
        "activity": _by_name(state.activities, "friendly_name"),
        "task_queue": _by_name(state.task_queues, "friendly_name"),
        "workflow": _by_name(state.workflows, "friendly_name"),
        "flow": _by_name(state.flows, "friendly_name"),
    }
    # every create first, so that references to them resolve in any order
    for section, key in (
        ("task_channels", "unique_name"),
        ("task_queues", "friendly_name"),
        ("workflows", "friendly_name"),
        ("flows", "friendly_name"),
    ):
        kind = KINDS[section]
        for entry in spec.entries(section):
            if entry[key] not in current[kind]:
                names.plan(kind, entry[key])

    plan = AccountPlan()
    add = plan.items.append

    def item(section: str, n: int, name: str, have: Any, want: dict[str, Any], entry: Any) -> None:
        kind = KINDS[section]
        want = {k: v for k, v in want.items() if v is not None}
        if have is None:
            add(
                AccountChange(
                    kind,
                    name,
                    "create",
                    None,
                    _diff(kind, want, None, names),
                    f"{section}[{n}]",
                    entry,
                )
            )
            return
        now = {k: _current(kind, have, k) for k in want}
        changes = _diff(kind, want, now, names)
        add(
            AccountChange(
                kind, name, "update" if changes else "unchanged", getattr(have, "sid", None),
                changes, f"{section}[{n}]", entry, None if changes else have,
            )
        )  # fmt: skip

    for n, e in enumerate(spec.entries("task_channels")):
        want = {k: e.get(k) for k in ("friendly_name", "channel_optimized_routing")}
        item(
            "task_channels",
            n,
            e["unique_name"],
            current["task_channel"].get(e["unique_name"]),
            want,
            e,
        )
    for n, e in enumerate(spec.entries("activities")):
        have = current["activity"].get(e["friendly_name"])
        if have is not None and "available" in e and bool(have.available) != e["available"]:
            raise ValidationError(
                f"activities[{n}].available: activity {e['friendly_name']!r} exists with "
                f"available={bool(have.available)}; TaskRouter cannot change an activity's "
                "availability (delete it or use another name)"
            )
        item("activities", n, e["friendly_name"], have, {"available": e.get("available")}, e)
    for n, e in enumerate(spec.entries("task_queues")):
        want = {k: e.get(k) for k in ("target_workers", "max_reserved_workers", "task_order")}
        item(
            "task_queues",
            n,
            e["friendly_name"],
            current["task_queue"].get(e["friendly_name"]),
            want,
            e,
        )
    for n, e in enumerate(spec.entries("workflows")):
        config = _workflow_config(e, f"workflows[{n}]", names)
        want = {
            "configuration": config.to_dict(),
            "task_reservation_timeout": e.get("task_reservation_timeout"),
        }
        item(
            "workflows", n, e["friendly_name"], current["workflow"].get(e["friendly_name"]), want, e
        )
    for n, e in enumerate(spec.entries("flows")):
        definition = _flow_definition(e, f"flows[{n}]", names)
        want = {**_send_to_flex_fields(definition), "status": "published"}
        item("flows", n, e["friendly_name"], current["flow"].get(e["friendly_name"]), want, e)
    if spec.has("addresses"):
        desired = [
            _address_entry(e, f"addresses[{n}]", lambda ref, where: names.sid("flow", ref, where))
            for n, e in enumerate(spec.entries("addresses"))
        ]
        by_address = {d.address: n for n, d in enumerate(desired)}
        entries = spec.entries("addresses")
        for p in chan.plan_addresses(desired, state.addresses, prune=prune).items:
            n_ = by_address.get(p.address)
            changes = {
                k: _change("address", k, c.before, names.label(c.after))
                for k, c in p.changes.items()
            }
            if p.action == "create" and p.desired is not None:
                changes = {
                    k: _change("address", k, None, names.label(v))
                    for k, v in p.desired.fields().items()
                }
            add(
                AccountChange(
                    "address", p.address, p.action, p.sid, changes,
                    None if n_ is None else f"addresses[{n_}]",
                    None if n_ is None else entries[n_], p.result,
                )
            )  # fmt: skip
    if spec.has("attachments"):
        wanted = attach.check_changes(spec.sections["attachments"])
        after = attach.apply_changes(state.channel_configs, wanted)
        diff = attach.diff_channel_configs(state.channel_configs, after)
        changes = {
            f"{c.address_type}.{c.field}" if c.field else c.address_type: c for c in diff.changes
        }
        add(
            AccountChange(
                "attachments", "channel_configs", "update" if changes else "unchanged", None,
                changes, "attachments", spec.sections["attachments"],
            )
        )  # fmt: skip
    if spec.has("workspace"):
        e = spec.sections["workspace"]
        want = {}
        if "event_callback_url" in e:
            want["event_callback_url"] = e["event_callback_url"] or None
        if "events_filter" in e:
            want["events_filter"] = _events(e["events_filter"])
        ws = state.workspace
        now = {
            "event_callback_url": getattr(ws, "event_callback_url", None) or None,
            "events_filter": _events(getattr(ws, "events_filter", None)),
        }
        changes = _diff("workspace", want, now, names)
        name = getattr(ws, "friendly_name", None) or "workspace"
        add(
            AccountChange(
                "workspace", name, "update" if changes else "unchanged",
                getattr(ws, "sid", None), changes, "workspace", e,
            )
        )  # fmt: skip
    if spec.has("conversations_webhooks"):
        e = spec.sections["conversations_webhooks"]
        hooks = state.conversations_webhooks
        want = {}
        now = {}
        for key in ("post_webhook_url", "pre_webhook_url", "method", "target"):
            if key in e:
                want[key] = (e[key] or None) if key.endswith("url") else e[key]
                value = getattr(hooks, key, None)
                now[key] = (
                    str(value).upper()
                    if key == "method" and value
                    else (str(value) if value is not None and key == "target" else (value or None))
                )
        if "filters" in e:
            want["filters"] = sorted(e["filters"] or [])
            now["filters"] = sorted(getattr(hooks, "filters", None) or [])
        changes = _diff("conversations_webhooks", want, now, names)
        add(
            AccountChange(
                "conversations_webhooks", "account webhooks",
                "update" if changes else "unchanged", None, changes, "conversations_webhooks", e,
            )
        )  # fmt: skip

    if prune:
        _plan_deletes(spec, state, current, plan)
    # deletes of addresses come from plan_addresses; keep every delete last, dependents first
    order = {k: n for n, k in enumerate(KINDS.values())}
    creates = [i for i in plan.items if i.action != "delete"]
    deletes = sorted((i for i in plan.items if i.action == "delete"), key=lambda i: -order[i.kind])
    plan.items = creates + deletes
    return plan


def _plan_deletes(
    spec: AccountSpec, state: AccountState, current: dict[str, dict[str, Any]], plan: AccountPlan
) -> None:
    for section, key in (
        ("flows", "friendly_name"),
        ("workflows", "friendly_name"),
        ("task_queues", "friendly_name"),
        ("activities", "friendly_name"),
        ("task_channels", "unique_name"),
    ):
        if not spec.has(section):
            continue
        kind = KINDS[section]
        listed = {e[key] for e in spec.entries(section)}
        for name, have in current[kind].items():
            sid = getattr(have, "sid", None)
            if name in listed or sid in state.protected:
                continue
            if name in FLEX_DEFAULTS[kind]:
                continue
            plan.items.append(AccountChange(kind, name, "delete", sid))


def _current(kind: str, have: Any, key: str) -> Any:
    """A resource's current value of a compared field."""
    if kind == "workflow" and key == "configuration":
        try:
            return routing.WorkflowConfiguration.from_json(have.configuration or "{}").to_dict()
        except ValidationError:
            return have.configuration
    if kind == "flow":
        if key == "status":
            return str(have.status) if getattr(have, "status", None) is not None else None
        return _send_to_flex_fields(getattr(have, "definition", None)).get(key)
    value = getattr(have, key, None)
    if kind == "task_queue" and key == "task_order" and value is not None:
        return str(value)
    return value


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
