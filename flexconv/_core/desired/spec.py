"""The desired-state document: its sections, and parsing and validating it (every error names
its place in the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from flexconv._core import attachments as attach
from flexconv._core import channels as chan
from flexconv._core import routing as routing
from flexconv._core import routing_checks as checks
from flexconv._core.conversations_account import webhook_filters
from flexconv._core.errors import ValidationError

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
