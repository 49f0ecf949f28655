"""``client.doctor``: Twilio's messaging troubleshooting checklist as one call (`trace`), the
whole account in one streamed pass (`scan`), orphans sent to Flex (`rescue`), and the account's
setup (Flex Conversations, legacy Flex Flows, or a mix) with the move off legacy (`migrate`).

The checks themselves are pure functions in ``flexconv._core.doctor``; this module only reads.
The trace's steps are in ``doctor_trace``, the streamed scan in ``doctor_scan``.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._async.doctor_scan import AsyncScan
from flexconv._async.doctor_trace import TraceWalk
from flexconv._concurrency import async_map_bounded
from flexconv._core.doctor import account as acct
from flexconv._core.doctor import legacy, rescue
from flexconv._core.doctor.report import (
    Check,
    MigrationPlan,
    MigrationStep,
    RescueAction,
    RescuePlan,
    ScanCursor,
    ScanProgress,
    Setup,
    TraceReport,
)
from flexconv._core.doctor.task import task_expression
from flexconv._core.doctor.values import parse_time, wire_dict
from flexconv._core.errors import APIStatusError, ValidationError
from flexconv._core.ops import doctor as ops
from flexconv._core.sids import check_sid
from flexconv._ratelimit import AsyncRateLimiter

__all__ = ["AsyncDoctor", "AsyncScan"]

#: How many of the newest tasks of each kind the setup counts (one page each).
_TASK_SAMPLE = 50


def _raw(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class AsyncDoctor(AsyncResource):
    """Trace one inbound flow, scan the account, rescue orphans, tell legacy from Conversations.

    Reads only, except `rescue(apply=True)` and `migrate(apply=True)`.
    """

    _path = "doctor"

    # ------------------------------------------------------------------ reads
    async def _read(self, op: Any, **kw: Any) -> dict[str, Any]:
        return _raw(await self._call(op, _raw, **kw))

    def _pages(self, op: Any, **kw: Any) -> Any:
        return self._list(op, _raw, **kw)

    async def _flow_executions(
        self, flow_sid: str, since: datetime | None, until: datetime | None
    ) -> builtins.list[dict[str, Any]] | None:
        """The flow's executions in the window, newest first; ``None`` when the flow is gone."""
        values = {
            "date_created_from": since.isoformat() if since else None,
            "date_created_to": until.isoformat() if until else None,
        }
        try:
            found = await self._pages(
                ops.LIST_EXECUTIONS, path_params={"FlowSid": flow_sid}, values=values
            ).to_list()
        except APIStatusError as exc:
            if exc.status == 404:
                return None
            raise
        inside = []
        for ex in found:
            when = parse_time(ex.get("date_created"))
            if when is not None and (
                (since is not None and when < since) or (until is not None and when > until)
            ):
                continue
            inside.append(ex)
        inside.sort(key=lambda e: str(e.get("date_created") or ""), reverse=True)
        return inside

    async def _tasks_of(self, conversation_sid: str) -> builtins.list[dict[str, Any]]:
        tasks = await self._client.routing.tasks.list(
            evaluate_task_attributes=task_expression(conversation_sid)
        ).to_list()
        rows = [wire_dict(t) for t in tasks]
        rows.sort(key=lambda t: str(t.get("date_created") or ""))
        return rows

    # ------------------------------------------------------------------ setup
    async def fetch_setup(self) -> Setup:
        """Which messaging setup the account runs: Flex Conversations (addresses, tasks linked
        to a conversation), legacy messaging (Flex Flows, a Programmable Chat service, tasks
        with a chat ``channelSid``), or a mix; with the advice.  Tasks are counted over one page
        of the newest of each kind (two requests)."""
        return (await self._setup())[0]

    async def _setup(
        self,
    ) -> tuple[Setup, builtins.list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
        addresses = [wire_dict(a) for a in await self._client.channels.list().to_list()]
        flows = await self._pages(ops.LIST_FLEX_FLOWS).to_list()
        flex = wire_dict(await self._client.configuration.fetch())
        conv_config = wire_dict(await self._client.conversations.configuration.fetch())
        workspace = flex.get("taskrouter_workspace_sid")
        counts = [0, 0]
        if workspace:
            for i, expression in enumerate((legacy.LEGACY_TASKS, legacy.CONVERSATION_TASKS)):
                page = self._client.routing.tasks.list(
                    evaluate_task_attributes=expression,
                    ordering="DateCreated:desc",
                    limit=_TASK_SAMPLE,
                    workspace_sid=str(workspace),
                )
                counts[i] = len(await page.to_list())
        setup = legacy.detect_setup(
            addresses,
            flows,
            flex,
            conversations_service_sid=conv_config.get("default_chat_service_sid"),
            legacy_tasks=counts[0],
            conversation_tasks=counts[1],
        )
        return setup, addresses, flex, conv_config

    async def _account_checks(
        self, flex: dict[str, Any], conv_config: dict[str, Any]
    ) -> tuple[Check, ...]:
        ws = flex.get("taskrouter_workspace_sid")
        wf = flex.get("taskrouter_target_workflow_sid")
        workspace_found: bool | None = None
        workflow_found: bool | None = None
        if ws and wf:
            try:
                await self._client.routing.workflows.fetch(wf, workspace_sid=ws)
                workspace_found = workflow_found = True
            except APIStatusError as exc:
                if exc.status != 404:
                    raise
                workflow_found = False
        return (
            acct.check_flex_config(
                flex, workspace_found=workspace_found, workflow_found=workflow_found
            ),
            acct.check_conversations_config(conv_config),
        )

    # ------------------------------------------------------------------ trace
    async def trace(
        self,
        address: str | None = None,
        *,
        conversation: str | None = None,
        flex_number: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> TraceReport:
        """Walk the FAQ's checklist for one inbound flow.

        Pass the customer's ``address`` (``+1…``, ``whatsapp:+1…``; optionally the
        ``flex_number`` they wrote to and a ``since``/``until`` window), or a ``conversation``
        SID.  Each step is ``ok``, ``warning``, ``failed`` (with the evidence, the problem, the
        fix and Twilio's docs) or ``skipped`` because an earlier one failed.
        """
        if (address is None) == (conversation is None):
            raise ValidationError("Pass the customer's address or conversation='CH…', not both")
        if address is not None and (not isinstance(address, str) or not address.strip()):
            raise ValidationError(f"address must be a non-empty string, got {address!r}")
        if conversation is not None:
            check_sid(conversation, "CH", "conversation")
        for name, when in (("since", since), ("until", until)):
            if when is not None and (not isinstance(when, datetime) or when.tzinfo is None):
                raise ValidationError(f"{name} must be a timezone-aware datetime, got {when!r}")
        setup, addresses, flex, conv_config = await self._setup()
        account = await self._account_checks(flex, conv_config)
        conv: dict[str, Any] | None = None
        if conversation is not None:
            conv = wire_dict(await self._client.conversations.fetch(conversation))
            people = await self._client.conversations.participants.list(conversation).to_list()
            for p in people:
                binding = p.messaging_binding or {}
                if binding.get("address"):
                    address = str(binding["address"])
                    flex_number = flex_number or binding.get("proxy_address")
                    break
            if address is None:
                raise ValidationError(
                    f"{conversation} has no messaging participant: trace needs a customer address"
                )
            created = parse_time(conv.get("date_created"))
            if since is None and created is not None:
                since = created - timedelta(minutes=5)
        assert address is not None
        walk = TraceWalk(self, address, flex_number, since, until, addresses)
        checks = await walk.run(conv)
        return TraceReport(
            setup=setup,
            address=address,
            flex_number=walk.flex_number,
            conversation_sid=walk.conversation_sid,
            checks=tuple(checks),
            account=account,
        )

    # ------------------------------------------------------------------ scan
    def scan(
        self,
        *,
        rate: float = 20,
        concurrency: int = 16,
        resume: ScanCursor | Mapping[str, Any] | None = None,
        include_healthy: bool = True,
        on_progress: Callable[[ScanProgress], object] | None = None,
    ) -> AsyncScan:
        """Every open conversation classified, misconfigured addresses, and tasks whose
        conversation is closed, streamed as `Finding` values (``async for f in
        client.doctor.scan()``).

        ``rate`` caps the requests per second per endpoint (the Interactions API allows 20);
        ``concurrency`` caps the requests in flight.  Memory stays constant: one page of
        conversations at a time.  ``scan.cursor`` (a `ScanCursor`) is where it got to after
        each page; pass it back as ``resume=`` after an interruption.  ``on_progress`` is called
        after each page.
        """
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
            raise ValidationError(f"concurrency must be a positive integer, got {concurrency!r}")
        cursor = resume
        if isinstance(cursor, Mapping):
            cursor = ScanCursor.from_dict(cursor)
        if cursor is not None and not isinstance(cursor, ScanCursor):
            raise ValidationError(f"resume must be a ScanCursor or its dict, got {resume!r}")
        return AsyncScan(
            self,
            AsyncRateLimiter(rate),
            concurrency,
            cursor or ScanCursor(phase="addresses"),
            include_healthy,
            on_progress,
        )

    # ------------------------------------------------------------------ rescue
    async def rescue(
        self,
        *,
        workflow_sid: str | None = None,
        queue_sid: str | None = None,
        task_channel: str = "chat",
        channel_type: str = "sms",
        apply: bool = False,
        conversations: builtins.list[str] | None = None,
        rate: float = 20,
        concurrency: int = 4,
    ) -> RescuePlan:
        """Send orphaned conversations to Flex through the Interactions API.

        Dry run by default: returns the plan.  With ``apply=True`` each orphan gets one
        interaction routed to ``workflow_sid`` (default: the Flex workflow) or ``queue_sid``,
        and is marked in its attributes (``flexconvRescue``); every conversation is re-read just
        before acting, so running it twice never creates a second interaction.  Orphans come
        from a scan unless ``conversations`` lists the SIDs.
        """
        if workflow_sid is not None and queue_sid is not None:
            raise ValidationError("Pass workflow_sid= or queue_sid=, not both")
        if workflow_sid is not None:
            check_sid(workflow_sid, "WW", "workflow_sid")
        if queue_sid is not None:
            check_sid(queue_sid, "WQ", "queue_sid")
        if conversations is not None:
            for sid in conversations:
                check_sid(sid, "CH", "conversations")
        if apply and workflow_sid is None and queue_sid is None:
            flex = await self._client.configuration.fetch()
            workflow_sid = wire_dict(flex).get("taskrouter_target_workflow_sid")
            if not workflow_sid:
                raise ValidationError(
                    "No workflow to route to: pass workflow_sid= or queue_sid= (the Flex "
                    "Configuration names no taskrouter_target_workflow_sid)"
                )
        targets = conversations
        if targets is None:
            targets = [
                f.sid
                async for f in self.scan(rate=rate, concurrency=concurrency, include_healthy=False)
                if f.kind == "orphaned"
            ]

        async def one(sid: str) -> RescueAction:
            conv = wire_dict(await self._client.conversations.fetch(sid))
            decision = rescue.decide_rescue(conv, await self._tasks_of(sid))
            if not apply or decision.action != "create_interaction":
                return decision
            return await self._rescue_one(conv, workflow_sid, queue_sid, task_channel, channel_type)

        actions = await async_map_bounded(one, targets, concurrency)
        return RescuePlan(
            applied=apply, workflow_sid=workflow_sid, queue_sid=queue_sid, actions=tuple(actions)
        )

    async def _rescue_one(
        self,
        conv: dict[str, Any],
        workflow_sid: str | None,
        queue_sid: str | None,
        task_channel: str,
        channel_type: str,
    ) -> RescueAction:
        from flexconv._core.interactions import RoutingSpec

        sid = str(conv.get("sid"))
        workspace = await self._client._workspace_sid(None)
        routing = RoutingSpec(
            workspace_sid=workspace,
            workflow_sid=workflow_sid,
            task_channel_unique_name=task_channel,
            properties={"queue_sid": queue_sid} if queue_sid else {},
        )
        inter = await self._client.interactions.create_for_conversation(
            sid, routing, channel_type=channel_type
        )
        when = datetime.now(timezone.utc).isoformat()
        await self._client.conversations.update(
            sid,
            attributes=rescue.marked_attributes(conv, interaction_sid=str(inter.sid), when=when),
        )
        return RescueAction(
            conversation_sid=sid,
            action="create_interaction",
            applied=True,
            interaction_sid=inter.sid,
        )

    # ------------------------------------------------------------------ legacy
    async def migrate(self, *, apply: bool = False, only: str | None = None) -> MigrationPlan:
        """Move each legacy Flex Flow address to a Conversations address, one at a time.

        Dry run by default (the plan).  With ``apply=True`` each planned address is moved in
        turn: its Flex Flow deleted, then its Conversations address created with the same Studio
        flow (or URL as a webhook target); a failure stops nothing else and is reported.
        ``only`` restricts it to one Flex Flow SID or address.
        """
        from flexconv._core.channels import StudioTarget, WebhookTarget

        flows = await self._pages(ops.LIST_FLEX_FLOWS).to_list()
        addresses = [wire_dict(a) for a in await self._client.channels.list().to_list()]
        steps = legacy.plan_migration(flows, addresses)
        if only is not None:
            steps = [s for s in steps if only in (s.flex_flow_sid, s.address)]
            if not steps:
                raise ValidationError(f"No Flex Flow with SID or address {only!r}")
        if not apply:
            return MigrationPlan(applied=False, steps=tuple(steps))
        done: builtins.list[MigrationStep] = []
        for step in steps:
            if step.outcome != "planned" or step.address is None:
                done.append(step)
                continue
            ac = step.auto_creation
            target: Any = (
                StudioTarget(flow_sid=ac["studio_flow_sid"])
                if ac.get("type") == "studio"
                else WebhookTarget(url=ac["webhook_url"])
            )
            try:
                await self._call_raw(ops.DELETE_FLEX_FLOW, path_params={"Sid": step.flex_flow_sid})
                created = await self._client.channels.create(
                    step.address, type=step.address_type, auto_creation=target
                )
            except APIStatusError as exc:
                done.append(_replace(step, outcome="failed", reason=str(exc)))
                continue
            done.append(_replace(step, outcome="moved", address_sid=created.sid))
        return MigrationPlan(applied=True, steps=tuple(done))


def _replace(step: MigrationStep, **changes: Any) -> MigrationStep:
    import attrs

    return attrs.evolve(step, **changes)
