"""The desired-address plan: what ``ensure`` creates, updates, leaves alone or prunes, from a
list of desired addresses (or their mapping form) and the current ones.  No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flexconv._core.address_checks import infer_type, validate_address
from flexconv._core.address_targets import (
    AutoCreationTarget,
    DefaultTarget,
    StudioTarget,
    WebhookTarget,
    auto_creation_values,
)
from flexconv._core.ensure_results import AddressPlan, PlanItem
from flexconv._core.errors import ValidationError
from flexconv._core.results import FieldChange
from flexconv._core.sids import check_sid

if TYPE_CHECKING:
    from flexconv.models.channels import Address


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
