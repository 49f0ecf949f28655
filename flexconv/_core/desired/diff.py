"""Comparing a desired-state document with the account's current state, in dependency order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core import attachments as attach
from flexconv._core import channels as chan
from flexconv._core import routing as routing
from flexconv._core.desired.names import (
    Names,
    _flow_definition,
    _send_to_flex_fields,
    _workflow_config,
)
from flexconv._core.desired.plan import AccountChange, AccountPlan, AccountState
from flexconv._core.desired.spec import FLEX_DEFAULTS, KINDS, AccountSpec, _address_entry
from flexconv._core.errors import ValidationError
from flexconv._core.results import FieldChange


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
