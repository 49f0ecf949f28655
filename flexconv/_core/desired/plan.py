"""What ``client.account.ensure`` works with: the account's current state and the plan of changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flexconv._core import routing as routing
from flexconv._core.desired.spec import _Action
from flexconv._core.results import FieldChange

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
