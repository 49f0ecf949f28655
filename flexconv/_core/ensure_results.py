"""The results of ``ensure``: the address plan's items, the plan, and `EnsureError` for a
run that stopped part way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from flexconv._core.errors import FlexConvError
from flexconv._core.results import FieldChange

if TYPE_CHECKING:
    from flexconv._core.address_plan import DesiredAddress
    from flexconv.models.channels import Address


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
