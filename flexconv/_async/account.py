"""``client.account``: the whole contact centre as desired state (``client.account.ensure``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._core import desired as core
from flexconv._core.channels import EnsureError
from flexconv._core.errors import FlexConvError, ValidationError

__all__ = ["AsyncAccount"]


class AsyncAccount(AsyncResource):
    """The account as a whole (``client.account``): ``ensure`` brings task channels,
    activities, task queues, workflows, Studio flows, addresses, attachment settings, the
    workspace's event callback and the Conversations account webhooks to the state one
    document describes (the guide: Desired state)."""

    _path = "account"

    async def ensure(
        self,
        spec: Mapping[str, Any] | core.AccountSpec,
        *,
        dry_run: bool = False,
        prune: bool = False,
        workspace_sid: str | None = None,
    ) -> core.AccountPlan:
        """Bring the account to the state ``spec`` describes, changing only what differs.

        ``spec`` is the decoded document (the YAML or JSON `flexconv apply` reads, as a dict)
        or an [`AccountSpec`][flexconv._core.desired.AccountSpec].  The whole document is
        checked, and the account read, before anything is written; names resolve to SIDs
        (a workflow names its queues, a flow its workflow and task channel, an address its
        flow), and changes are applied in dependency order.  Running it twice changes nothing
        the second time.

        Args:
            spec: The desired state.
            dry_run: Return the plan without writing.
            prune: Also delete what a section of the document does not list (task channels,
                activities, queues, workflows, flows, addresses), except TaskRouter's own task
                channels, the workflow and queue the Flex Configuration names and the
                workspace's default and timeout activities.  Sections the document lacks are
                never pruned.
            workspace_sid: The TaskRouter workspace (default: the client's, Flex's).

        Returns:
            The plan; ``applied`` tells whether it was written and each change's ``result``
            holds what Twilio returned.

        Raises:
            ValidationError: before anything is sent: a malformed document (the message names
                the path, ``task_queues[0].max_reserved_workers: ...``), or a name that
                refers to nothing (``workflows[1].filters[0].targets[0].queue: no task queue
                named 'Sales'``).
            EnsureError: a write failed; it lists the changes ``applied`` before it, the
                ``failed`` one with its ``error``, and the ``remaining`` ones.
        """
        if not isinstance(dry_run, bool) or not isinstance(prune, bool):
            raise ValidationError("dry_run and prune must be True or False")
        parsed = core.parse_spec(spec)
        state = await self._read(parsed, prune=prune, workspace_sid=workspace_sid)
        plan = core.plan_account(parsed, state, prune=prune)
        if dry_run:
            return plan
        names = core.Names()
        for kind, items, attr in (
            ("task_channel", state.task_channels, "unique_name"),
            ("task_queue", state.task_queues, "friendly_name"),
            ("workflow", state.workflows, "friendly_name"),
            ("flow", state.flows, "friendly_name"),
        ):
            for have in items:
                names.add(kind, getattr(have, attr), have.sid)
        for change in plan.items:
            if change.action == "unchanged":
                continue
            try:
                await self._apply(change, names, workspace_sid)
            except FlexConvError as exc:
                raise EnsureError(plan, change, exc) from exc
            if change.action == "create" and change.kind in (
                "task_channel",
                "task_queue",
                "workflow",
                "flow",
            ):
                names.record(change.kind, change.name, change.result.sid)
            if change.result is not None and getattr(change.result, "sid", None):
                change.sid = change.result.sid
        core.settle(plan, names)
        plan.applied = True
        return plan

    async def _read(
        self, spec: core.AccountSpec, *, prune: bool, workspace_sid: str | None
    ) -> core.AccountState:
        client = self._client
        routing = client.routing
        has = spec.has
        ws: dict[str, Any] = {"workspace_sid": workspace_sid}
        state = core.AccountState()
        if has("task_channels") or has("flows"):
            state.task_channels = await client.task_channels.list(**ws).to_list()
        if has("activities"):
            state.activities = await routing.activities.list(**ws).to_list()
        if has("task_queues") or has("workflows"):
            state.task_queues = await routing.task_queues.list(**ws).to_list()
        if has("workflows") or has("flows"):
            state.workflows = await routing.workflows.list(**ws).to_list()
        if has("flows") or has("addresses"):
            flows = await client.studio.flows.list().to_list()
            listed = {e["friendly_name"] for e in spec.entries("flows")}
            state.flows = [
                await client.studio.flows.fetch(f.sid)
                if f.friendly_name in listed and f.sid is not None
                else f
                for f in flows
            ]
        if has("addresses"):
            state.addresses = await client.channels.list().to_list()
        protected: set[str] = set()
        if has("attachments") or prune:
            config = await client.configuration.fetch()
            configs = config.channel_configs
            state.channel_configs = list(configs) if isinstance(configs, list) else []
            for sid in (
                config.taskrouter_target_workflow_sid,
                config.taskrouter_target_taskqueue_sid,
            ):
                if sid:
                    protected.add(sid)
        if has("workspace") or (prune and has("activities")):
            state.workspace = await routing.workspaces.fetch(**ws)
            for sid in (state.workspace.default_activity_sid, state.workspace.timeout_activity_sid):
                if sid:
                    protected.add(sid)
        if has("conversations_webhooks"):
            state.conversations_webhooks = await client.conversations.configuration.webhooks.fetch()
        state.protected = frozenset(protected)
        return state

    async def _apply(
        self, change: core.AccountChange, names: core.Names, workspace_sid: str | None
    ) -> None:
        client = self._client
        ws: dict[str, Any] = {"workspace_sid": workspace_sid}
        kind, action, sid = change.kind, change.action, change.sid
        groups: dict[str, Any] = {
            "task_channel": client.task_channels,
            "activity": client.routing.activities,
            "task_queue": client.routing.task_queues,
            "workflow": client.routing.workflows,
        }
        if action == "delete":
            assert sid is not None
            if kind in groups:
                await groups[kind].delete(sid, **ws)
            elif kind == "flow":
                await client.studio.flows.delete(sid)
            else:
                await client.channels.delete(sid)
            return
        values = core.request_values(change, names)
        result: Any
        if kind in groups:
            group = groups[kind]
            if action == "create":
                if kind == "workflow":
                    result = await group.create(
                        change.name, values.pop("configuration"), **values, **ws
                    )
                else:
                    result = await group.create(change.name, **values, **ws)
            else:
                assert sid is not None
                if kind == "activity":  # nothing but the name can change, and it is the key
                    result = await group.fetch(sid, **ws)
                else:
                    result = await group.update(sid, **values, **ws)
        elif kind == "flow":
            if action == "create":
                result = await client.studio.flows.create(change.name, values["definition"])
            else:
                assert sid is not None
                result = await client.studio.flows.update(sid, **values)
        elif kind == "address":
            if action == "create":
                result = await client.channels.create(change.name, **values)
            else:
                assert sid is not None
                result = await client.channels.update(sid, **values)
        elif kind == "attachments":
            result = await client.attachments.update_many(values["changes"])
        elif kind == "workspace":
            result = await client.routing.workspaces.update(**values, **ws)
        else:
            result = await client.conversations.configuration.webhooks.update(**values)
        change.result = result

    def build_spec(self, document: Mapping[str, Any]) -> core.AccountSpec:
        """Check a desired-state document without sending anything; returns it parsed.

        Raises:
            ValidationError: the first problem, naming its path in the document.
        """
        return core.parse_spec(document)
