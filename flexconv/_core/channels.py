"""Pure logic for Conversations addresses and custom task channels.

Address validation per type, typed auto-creation targets, the desired-state plan (what
``ensure`` creates, updates, leaves alone or prunes) and the task attributes that make the Flex
UI render a custom channel's tasks as chat.  No I/O: everything here works on plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from flexconv._core.errors import FlexConvError, ValidationError
from flexconv._core.results import FieldChange
from flexconv._core.sids import check_sid, is_sid

if TYPE_CHECKING:
    from flexconv.models.channels import Address

__all__ = [
    "ADDRESS_FORMS",
    "ADDRESS_TYPES",
    "IE1_ADDRESS_TYPES",
    "WEBHOOK_FILTERS",
    "AddressPlan",
    "AutoCreationTarget",
    "DefaultTarget",
    "DesiredAddress",
    "EnsureError",
    "FieldChange",
    "PlanItem",
    "StudioTarget",
    "WebhookTarget",
    "auto_creation_values",
    "check_messaging_address",
    "check_region",
    "desired_from_mapping",
    "flex_ui_snippet",
    "infer_type",
    "plan_addresses",
    "validate_address",
]

#: Address types of Conversations address configurations (the spec's enum).
ADDRESS_TYPES: tuple[str, ...] = (
    "sms",
    "whatsapp",
    "messenger",
    "gbm",
    "email",
    "rcs",
    "apple",
    "chat",
)

#: Types Conversations supports in IE1 (chat only).
IE1_ADDRESS_TYPES: frozenset[str] = frozenset({"chat"})

#: Events an auto-creation webhook can subscribe to (the spec's list).
WEBHOOK_FILTERS: tuple[str, ...] = (
    "onMessageAdded",
    "onMessageUpdated",
    "onMessageRemoved",
    "onConversationUpdated",
    "onConversationStateUpdated",
    "onConversationRemoved",
    "onParticipantAdded",
    "onParticipantUpdated",
    "onParticipantRemoved",
    "onDeliveryUpdated",
)

#: E.164: a country code and number of 7 to 15 digits in all (the shortest numbering plans have
#: 7); North American (+1) numbers are exactly +1 and ten digits.
_E164 = r"\+(?:1[2-9]\d{9}|[2-9]\d{6,14})"
_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "sms": (
        re.compile(rf"{_E164}|\d{{3,8}}"),
        "an E.164 phone number such as +15551234567 (or a 3-8 digit short code)",
    ),
    "whatsapp": (re.compile(rf"whatsapp:{_E164}"), "whatsapp:+E164, e.g. whatsapp:+15551234567"),
    "messenger": (re.compile(r"messenger:\d{1,32}"), "messenger:<page id> (digits)"),
    "gbm": (re.compile(r"gbm:[A-Za-z0-9_-]{1,128}"), "gbm:<agent id>"),
    "email": (
        re.compile(r"[^@\s:]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
        "an email address such as support@example.com",
    ),
    "rcs": (re.compile(r"rcs:[A-Za-z0-9_.-]{1,128}"), "rcs:<sender id>"),
    "apple": (re.compile(r"apple:[A-Za-z0-9_.-]{1,128}"), "apple:<business id>"),
    "chat": (
        re.compile(r"[^\s\x00-\x1f\x7f]{1,256}"),
        "a non-empty name without spaces (max 256 characters)",
    ),
}

#: The expected form of an address, per type (also shown in error messages).
ADDRESS_FORMS: dict[str, str] = {kind: form for kind, (_, form) in _FORMS.items()}

_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?")


def _check_type(kind: object) -> str:
    if not isinstance(kind, str) or kind not in ADDRESS_TYPES:
        raise ValidationError(f"type must be one of {', '.join(ADDRESS_TYPES)}, got {kind!r}")
    return kind


def infer_type(address: str) -> str:
    """The address type an address implies: ``whatsapp:+1…`` → whatsapp, ``+1…`` → sms, ``a@b.c`` → email.

    Raises:
        ValidationError: the address does not imply a type (pass ``type=`` explicitly).
    """
    if not isinstance(address, str) or not address:
        raise ValidationError(f"address must be a non-empty string, got {address!r}")
    if ":" in address:
        prefix = address.split(":", 1)[0]
        if prefix in ADDRESS_TYPES and prefix not in ("sms", "email", "chat"):
            return prefix
    if "@" in address:
        return "email"
    if re.fullmatch(r"\+\d+|\d{3,8}", address):
        return "sms"
    raise ValidationError(
        f"Cannot tell the address type of {address!r}; pass type= (one of {', '.join(ADDRESS_TYPES)})"
    )


def validate_address(kind: str, address: object) -> str:
    """Return ``address`` when it has the form its type expects.

    Forms: sms E.164 (or a short code), whatsapp ``whatsapp:+E164``, messenger
    ``messenger:<page id>``, gbm ``gbm:<agent id>``, email an address, rcs ``rcs:<sender id>``,
    apple ``apple:<business id>``, chat any name without spaces.

    Raises:
        ValidationError: naming the expected form.
    """
    _check_type(kind)
    pattern, form = _FORMS[kind]
    if not isinstance(address, str):
        raise TypeError(f"A {kind} address must be a string, got {type(address).__name__}")
    if not pattern.fullmatch(address):
        raise ValidationError(f"A {kind} address must be {form}; got {address!r}")
    return address


def check_messaging_address(address: object, name: str = "address") -> str:
    """A participant's messaging address (``+1555…``, ``whatsapp:+1555…``, ``messenger:…``, an
    email address …), checked against its type's form.

    Raises:
        TypeError: not a string.
        ValidationError: no type can be told from it, or it breaks its type's form.
    """
    if not isinstance(address, str):
        raise TypeError(f"{name} must be a string, got {type(address).__name__}")
    try:
        kind = infer_type(address)
    except ValidationError:
        raise ValidationError(
            f"{name} {address!r} is not a messaging address (expected +E164, whatsapp:+E164, "
            "messenger:<page id>, an email address …)"
        ) from None
    pattern, form = _FORMS[kind]
    if not pattern.fullmatch(address):
        raise ValidationError(f"{name}: a {kind} address must be {form}; got {address!r}")
    return address


def check_region(kind: str, region: str) -> None:
    """Refuse an address type the region's Conversations does not support (IE1: chat only).

    Raises:
        ValidationError: before anything is sent.
    """
    if region == "ie1" and kind not in IE1_ADDRESS_TYPES:
        raise ValidationError(
            f"Conversations in region ie1 supports chat addresses only; {kind!r} addresses need "
            "a us1 client (no region)"
        )


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class StudioTarget:
    """Auto-create conversations and hand them to a Studio flow (e.g. Flex's "Messaging Flow").

    Attributes:
        flow_sid: The flow's ``FW…`` SID.
        retry_count: How many times Twilio retries the flow's webhook (optional).
    """

    flow_sid: str
    retry_count: int | None = None

    def __post_init__(self) -> None:
        check_sid(self.flow_sid, "FW", "flow_sid")
        if self.retry_count is not None and (
            not isinstance(self.retry_count, int)
            or isinstance(self.retry_count, bool)
            or self.retry_count < 0
        ):
            raise ValidationError(
                f"retry_count must be a non-negative integer, got {self.retry_count!r}"
            )


@dataclass(frozen=True)
class WebhookTarget:
    """Auto-create conversations and post their events to your own backend.

    Attributes:
        url: An http(s) URL.
        method: ``"POST"`` (default) or ``"GET"``; sent as Twilio's lowercase ``post``/``get``.
        filters: Events to receive, from `WEBHOOK_FILTERS`; empty means Twilio's default.
    """

    url: str
    method: str = "POST"
    filters: tuple[str, ...] = ("onMessageAdded",)

    def __post_init__(self) -> None:
        if not isinstance(self.url, str) or not _URL.fullmatch(self.url):
            raise ValidationError(
                f"A webhook target needs an http(s) URL such as https://example.com/hook; got {self.url!r}"
            )
        method = self.method.upper() if isinstance(self.method, str) else self.method
        if method not in ("GET", "POST"):
            raise ValidationError(f"method must be GET or POST, got {self.method!r}")
        object.__setattr__(self, "method", method)
        filters = (self.filters,) if isinstance(self.filters, str) else tuple(self.filters)
        bad = [f for f in filters if f not in WEBHOOK_FILTERS]
        if bad:
            raise ValidationError(
                f"Unknown webhook filter(s) {', '.join(map(repr, bad))}; expected any of "
                f"{', '.join(WEBHOOK_FILTERS)}"
            )
        object.__setattr__(self, "filters", filters)


@dataclass(frozen=True)
class DefaultTarget:
    """Auto-create conversations with no Studio flow or webhook attached."""


#: What an address does with a message from a sender who has no open conversation.
AutoCreationTarget = StudioTarget | WebhookTarget | DefaultTarget


def auto_creation_values(
    target: AutoCreationTarget | Literal[False] | None,
    *,
    conversation_service_sid: str | None = None,
) -> dict[str, Any]:
    """The operation values (Python names) for an auto-creation setting.

    ``False`` disables auto-creation; ``None`` leaves it out.
    """
    if conversation_service_sid is not None:
        check_sid(conversation_service_sid, "IS", "conversation_service_sid")
    out: dict[str, Any] = {}
    if target is False:
        out["auto_creation_enabled"] = False
    elif target is None:
        pass
    elif isinstance(target, StudioTarget):
        out.update(
            auto_creation_enabled=True,
            auto_creation_type="studio",
            studio_flow_sid=target.flow_sid,
            studio_retry_count=target.retry_count,
        )
    elif isinstance(target, WebhookTarget):
        out.update(
            auto_creation_enabled=True,
            auto_creation_type="webhook",
            webhook_url=target.url,
            webhook_method=target.method.lower(),
            webhook_filters=list(target.filters) or None,
        )
    elif isinstance(target, DefaultTarget):
        out.update(auto_creation_enabled=True, auto_creation_type="default")
    else:
        raise ValidationError(
            "auto_creation must be a StudioTarget, WebhookTarget, DefaultTarget, False or None; "
            f"got {type(target).__name__}"
        )
    if conversation_service_sid is not None:
        out["conversation_service_sid"] = conversation_service_sid
    return out


# ----------------------------------------------------------------------------- desired state


@dataclass(frozen=True)
class DesiredAddress:
    """The state one address configuration should have.

    Attributes:
        address: The address (``+1555…``, ``whatsapp:+1555…``, ``messenger:123…``).
        type: Its type; inferred from the address when omitted.
        auto_creation: A target, or ``None`` for auto-creation disabled.
        friendly_name: Compared only when given.
        conversation_service_sid: ``IS…``; compared only when given.
        address_country: ISO 3166-1 alpha-2 (short codes only); sent on create.
    """

    address: str
    type: str | None = None
    auto_creation: AutoCreationTarget | None = None
    friendly_name: str | None = None
    conversation_service_sid: str | None = None
    address_country: str | None = None

    def __post_init__(self) -> None:
        kind = self.type if self.type is not None else infer_type(self.address)
        validate_address(kind, self.address)
        object.__setattr__(self, "type", kind)
        if self.auto_creation is not None and not isinstance(
            self.auto_creation, (StudioTarget, WebhookTarget, DefaultTarget)
        ):
            raise ValidationError(
                "auto_creation must be a StudioTarget, WebhookTarget, DefaultTarget or None"
            )
        if self.conversation_service_sid is not None:
            check_sid(self.conversation_service_sid, "IS", "conversation_service_sid")
        if self.friendly_name is not None and (
            not isinstance(self.friendly_name, str) or len(self.friendly_name) > 256
        ):
            raise ValidationError("friendly_name must be a string of at most 256 characters")
        if self.address_country is not None and not (
            isinstance(self.address_country, str)
            and re.fullmatch(r"[A-Z]{2}", self.address_country)
        ):
            raise ValidationError(
                f"address_country must be an ISO 3166-1 alpha-2 code such as US, got {self.address_country!r}"
            )

    @property
    def kind(self) -> str:
        """The (validated or inferred) address type."""
        assert self.type is not None
        return self.type

    def create_values(self) -> dict[str, Any]:
        """Operation values for creating this address."""
        values: dict[str, Any] = {
            "type": self.kind,
            "address": self.address,
            "friendly_name": self.friendly_name,
            "address_country": self.address_country,
        }
        values.update(
            auto_creation_values(
                self.auto_creation, conversation_service_sid=self.conversation_service_sid
            )
        )
        return values

    def update_values(self) -> dict[str, Any]:
        """Operation values that bring an existing address to this state."""
        values: dict[str, Any] = {"friendly_name": self.friendly_name}
        values.update(
            auto_creation_values(
                self.auto_creation if self.auto_creation is not None else False,
                conversation_service_sid=self.conversation_service_sid,
            )
        )
        return values

    def fields(self) -> dict[str, Any]:
        """The comparable fields this desired state pins (``None`` values are not compared)."""
        out: dict[str, Any] = {"friendly_name": self.friendly_name}
        target = self.auto_creation
        out["auto_creation.enabled"] = target is not None
        if target is not None:
            out["auto_creation.conversation_service_sid"] = self.conversation_service_sid
        if isinstance(target, StudioTarget):
            out["auto_creation.type"] = "studio"
            out["auto_creation.studio_flow_sid"] = target.flow_sid
            out["auto_creation.studio_retry_count"] = target.retry_count
        elif isinstance(target, WebhookTarget):
            out["auto_creation.type"] = "webhook"
            out["auto_creation.webhook_url"] = target.url
            out["auto_creation.webhook_method"] = target.method
            out["auto_creation.webhook_filters"] = sorted(target.filters) or None
        elif isinstance(target, DefaultTarget):
            out["auto_creation.type"] = "default"
        return {k: v for k, v in out.items() if v is not None}


def current_fields(address: Address) -> dict[str, Any]:
    """The comparable fields of an address configuration as Twilio reports it."""
    ac = address.auto_creation
    method = ac.webhook_method if ac is not None else None
    filters = ac.webhook_filters if ac is not None else None
    return {
        "friendly_name": address.friendly_name,
        "auto_creation.enabled": bool(ac.enabled) if ac is not None else False,
        "auto_creation.conversation_service_sid": ac.conversation_service_sid if ac else None,
        "auto_creation.type": str(ac.type) if ac is not None and ac.type is not None else None,
        "auto_creation.studio_flow_sid": ac.studio_flow_sid if ac else None,
        "auto_creation.studio_retry_count": ac.studio_retry_count if ac else None,
        "auto_creation.webhook_url": ac.webhook_url if ac else None,
        "auto_creation.webhook_method": method.upper() if isinstance(method, str) else None,
        "auto_creation.webhook_filters": sorted(filters) if filters else None,
    }


@dataclass
class PlanItem:
    """What ``ensure`` does (or would do) with one address.

    Attributes:
        action: ``"create"``, ``"update"``, ``"unchanged"`` or ``"delete"``.
        address: The address.
        type: Its type.
        sid: The ``IG…`` SID (``None`` for a create not yet applied).
        changes: For updates, field name → [`FieldChange`][flexconv._core.channels.FieldChange].
        desired: The desired state (``None`` for deletes).
        result: After applying: the address configuration as Twilio returned it.
    """

    action: Literal["create", "update", "unchanged", "delete"]
    address: str
    type: str
    sid: str | None = None
    changes: dict[str, FieldChange] = field(default_factory=dict)
    desired: DesiredAddress | None = None
    result: Address | None = None

    @property
    def label(self) -> str:
        """The type and the address (``sms +15551234567``)."""
        return f"{self.type} {self.address}"

    def describe(self) -> str:
        """One human-readable line (plus one per changed field)."""
        head = f"{self.action:<9} {self.type:<9} {self.address}"
        if self.sid:
            head += f" ({self.sid})"
        lines = [head]
        for name, change in self.changes.items():
            lines.append(f"    {name}: {change.before!r} -> {change.after!r}")
        return "\n".join(lines)


@dataclass
class AddressPlan:
    """The plan (``dry_run=True``) or the result of ``ensure``.

    Attributes:
        items: One entry per address, in the order given (deletes last).
        applied: Whether the changes were written.
    """

    items: list[PlanItem] = field(default_factory=list)
    applied: bool = False

    def _of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action]

    @property
    def created(self) -> list[PlanItem]:
        """Addresses created (or to create)."""
        return self._of("create")

    @property
    def updated(self) -> list[PlanItem]:
        """Addresses updated, each with its field diffs in ``changes``."""
        return self._of("update")

    @property
    def unchanged(self) -> list[PlanItem]:
        """Addresses already in the desired state."""
        return self._of("unchanged")

    @property
    def deleted(self) -> list[PlanItem]:
        """Addresses deleted by ``prune=True``."""
        return self._of("delete")

    @property
    def changed(self) -> bool:
        """Whether the plan writes anything."""
        return any(i.action != "unchanged" for i in self.items)

    def describe(self) -> str:
        """The plan as text, one address per line, then a summary."""
        lines = [i.describe() for i in self.items]
        verb = "" if self.applied else " (dry run: nothing written)"
        lines.append(
            f"{len(self.created)} to create, {len(self.updated)} to update, "
            f"{len(self.unchanged)} unchanged, {len(self.deleted)} to delete{verb}"
            if not self.applied
            else f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deleted)} deleted"
        )
        return "\n".join(lines)


class _Change(Protocol):
    """One change of a plan (`PlanItem`, or an account plan's `AccountChange`)."""

    @property
    def action(self) -> str: ...

    @property
    def label(self) -> str: ...


class _Plan(Protocol):
    """A plan: its changes, in the order they are applied."""

    @property
    def items(self) -> Sequence[Any]: ...


class EnsureError(FlexConvError):
    """An ``ensure`` (``client.channels.ensure``, ``client.account.ensure``) stopped on an
    error part-way through writing its plan.

    Nothing is rolled back: the changes in ``applied`` were written.  Running ``ensure`` again
    with the same desired state picks up where this one stopped.

    Attributes:
        plan: The whole plan (``plan.applied`` stays false).
        applied: The changes written before the failure, each with its ``result``.
        failed: The change whose request failed.
        remaining: The changes not attempted (unchanged ones are left out).
        error: The error the failing change raised (also the ``__cause__``).
    """

    def __init__(self, plan: _Plan, failed: _Change, error: FlexConvError) -> None:
        self.plan: Any = plan
        self.failed: Any = failed
        self.error = error
        items = list(plan.items)
        at = next(n for n, i in enumerate(items) if i is failed)
        self.applied: list[Any] = [i for i in items[:at] if i.action != "unchanged"]
        self.remaining: list[Any] = [i for i in items[at + 1 :] if i.action != "unchanged"]
        super().__init__(
            f"ensure stopped at {failed.action} {failed.label} after applying "
            f"{len(self.applied)} change(s), {len(self.remaining)} not attempted: {error}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.plan, self.failed, self.error))


def plan_addresses(
    desired: Sequence[DesiredAddress], current: Iterable[Address], *, prune: bool = False
) -> AddressPlan:
    """Compare desired with current address configurations.

    An address is matched by its address string.  An update lists only the fields that differ;
    fields a desired state leaves as ``None`` are not compared.  With ``prune``, every current
    address not listed is planned for deletion.

    Raises:
        ValidationError: the same address is listed twice, or with a type that differs from
            the existing configuration's (an address's type cannot be changed).
    """
    seen: set[str] = set()
    by_address = {a.address: a for a in current if a.address is not None}
    plan = AddressPlan()
    for want in desired:
        if not isinstance(want, DesiredAddress):
            raise ValidationError(
                f"desired entries must be DesiredAddress, got {type(want).__name__}"
            )
        if want.address in seen:
            raise ValidationError(f"{want.address} is listed more than once")
        seen.add(want.address)
        have = by_address.get(want.address)
        if have is None:
            plan.items.append(PlanItem("create", want.address, want.kind, desired=want))
            continue
        if have.type is not None and str(have.type) != want.kind:
            raise ValidationError(
                f"{want.address} exists as a {have.type} address; its type cannot change to "
                f"{want.kind} (delete it first)"
            )
        now = current_fields(have)
        changes = {
            name: FieldChange(want.kind, tuple(name.split(".")), now.get(name), value)
            for name, value in want.fields().items()
            if now.get(name) != value
        }
        plan.items.append(
            PlanItem(
                "update" if changes else "unchanged",
                want.address,
                want.kind,
                sid=have.sid,
                changes=changes,
                desired=want,
                result=None if changes else have,
            )
        )
    if prune:
        for addr, have in by_address.items():
            if addr not in seen:
                plan.items.append(PlanItem("delete", addr, str(have.type), sid=have.sid))
    return plan


def _target_from_mapping(raw: Any, where: str) -> AutoCreationTarget | None:
    if raw is None or raw is False:
        return None
    if not isinstance(raw, Mapping):
        raise ValidationError(f"{where}.auto_creation must be a mapping, null or false")
    data = dict(raw)
    if data.pop("enabled", True) is False:
        return None
    kind = data.pop("type", None)
    known: dict[str, tuple[str, ...]] = {
        "studio": ("flow_sid", "retry_count"),
        "webhook": ("url", "method", "filters"),
        "default": (),
    }
    if kind not in known:
        raise ValidationError(f"{where}.auto_creation.type must be studio, webhook or default")
    unknown = sorted(set(data) - set(known[kind]))
    if unknown:
        raise ValidationError(
            f"{where}.auto_creation ({kind}) does not take {', '.join(unknown)}; "
            f"it takes {', '.join(known[kind]) or 'nothing else'}"
        )
    try:
        if kind == "studio":
            return StudioTarget(**data)
        if kind == "webhook":
            if "filters" in data and data["filters"] is not None:
                data["filters"] = tuple(data["filters"])
            return WebhookTarget(**data)
    except TypeError as exc:
        raise ValidationError(f"{where}.auto_creation: {exc}") from None
    return DefaultTarget()


_DESIRED_KEYS = (
    "address",
    "type",
    "auto_creation",
    "friendly_name",
    "conversation_service_sid",
    "address_country",
)


def desired_from_mapping(raw: Any) -> list[DesiredAddress]:
    """Desired addresses from a decoded YAML/JSON document.

    Accepts a list of entries, or a mapping with an ``addresses`` list.  Each entry::

        address: "+15551234567"
        type: sms                      # optional, inferred
        friendly_name: Support line    # optional
        auto_creation:                 # null/false: disabled
          type: studio                 # studio | webhook | default
          flow_sid: FW...
    """
    if isinstance(raw, Mapping) and "addresses" in raw:
        raw = raw["addresses"]
    if not isinstance(raw, list):
        raise ValidationError(
            "expected a list of addresses (or a mapping with an 'addresses' list)"
        )
    out: list[DesiredAddress] = []
    for n, entry in enumerate(raw):
        where = f"addresses[{n}]"
        if not isinstance(entry, Mapping):
            raise ValidationError(f"{where} must be a mapping")
        unknown = sorted(set(entry) - set(_DESIRED_KEYS))
        if unknown:
            raise ValidationError(
                f"{where} does not take {', '.join(unknown)}; it takes {', '.join(_DESIRED_KEYS)}"
            )
        if "address" not in entry:
            raise ValidationError(f"{where} needs an address")
        values = {k: v for k, v in entry.items() if k != "auto_creation"}
        values["auto_creation"] = _target_from_mapping(entry.get("auto_creation"), where)
        out.append(DesiredAddress(**values))
    return out


# ----------------------------------------------------------------------------- custom task channels

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_unique_name(value: object, what: str = "unique_name") -> str:
    """A task channel unique name: 1-64 letters, digits, ``_``, ``.`` or ``-``."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValidationError(
            f"{what} must be 1-64 letters, digits, '_', '.' or '-' (like 'chat' or 'custom1'), got {value!r}"
        )
    return value


def flex_ui_snippet(task_channel_unique_name: str, *, channel_type: str | None = None) -> str:
    """The Flex UI plugin code that renders the custom channel's tasks as chat.

    Register it in your plugin's ``init(flex, manager)``.  The predicate matches the task
    channel's unique name, or the ``channelType`` attribute when ``channel_type`` is given.
    """
    check_unique_name(task_channel_unique_name, "task_channel_unique_name")
    if channel_type is not None:
        check_unique_name(channel_type, "channel_type")
        predicate = (
            f'task.taskChannelUniqueName === "{task_channel_unique_name}" || '
            f'task.attributes.channelType === "{channel_type}"'
        )
    else:
        predicate = f'task.taskChannelUniqueName === "{task_channel_unique_name}"'
    return (
        "const channel = flex.DefaultTaskChannels.createChatTaskChannel(\n"
        f'  "{task_channel_unique_name}",\n'
        f"  (task) => {predicate}\n"
        ");\n"
        "flex.TaskChannels.register(channel);\n"
    )


def looks_like_address_sid(value: str) -> bool:
    """Whether a path value is an ``IG…`` SID rather than an address."""
    return is_sid(value, "IG")
