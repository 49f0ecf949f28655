"""``client.doctor``: Twilio's messaging troubleshooting checklist as one call (`trace`), the
whole account in one streamed pass (`scan`), orphans sent to Flex (`rescue`), and the account's
setup (Flex Conversations, legacy Flex Flows, or a mix) with the move off legacy (`migrate`).

The checks themselves are pure functions in ``flexconv._core.doctor``; this module only reads.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from flexconv._async._base import AsyncResource
from flexconv._concurrency import async_map_bounded
from flexconv._core.doctor import account as acct
from flexconv._core.doctor import legacy, rescue
from flexconv._core.doctor.address import check_address, service_runs_in_parallel
from flexconv._core.doctor.agent import accepted_reservation, check_agent
from flexconv._core.doctor.completion import check_completion
from flexconv._core.doctor.conversation import check_conversation, pick_conversation
from flexconv._core.doctor.received import check_received
from flexconv._core.doctor.report import (
    Check,
    Finding,
    MigrationPlan,
    MigrationStep,
    RescueAction,
    RescuePlan,
    ScanCursor,
    ScanProgress,
    ScanSummary,
    Setup,
    TraceReport,
)
from flexconv._core.doctor.scan import (
    FINDING_KINDS,
    classify_conversation,
    server_now,
    stale_reservation,
    task_conversation_closed,
)
from flexconv._core.doctor.studio import check_studio, execution_conversation, interaction_of
from flexconv._core.doctor.task import check_task, task_expression
from flexconv._core.doctor.values import STEPS, attributes_of, parse_time, skipped, worker_identity
from flexconv._core.doctor.webhook import check_webhook
from flexconv._core.errors import APIStatusError, ValidationError
from flexconv._core.ops import doctor as ops
from flexconv._core.sids import check_sid
from flexconv._ratelimit import AsyncRateLimiter

__all__ = ["AsyncDoctor", "AsyncScan"]

_OPEN_TASKS = ("pending", "reserved", "assigned", "wrapping")
#: How many of the newest tasks of each kind the setup counts (one page each).
_TASK_SAMPLE = 50


def _wire(value: Any) -> dict[str, Any]:
    """A model (or a mapping) as its wire dict."""
    if isinstance(value, Mapping):
        return dict(value)
    out: dict[str, Any] = value.to_dict()
    return out


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
        rows = [_wire(t) for t in tasks]
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
        addresses = [_wire(a) for a in await self._client.channels.list().to_list()]
        flows = await self._pages(ops.LIST_FLEX_FLOWS).to_list()
        flex = _wire(await self._client.configuration.fetch())
        conv_config = _wire(await self._client.conversations.configuration.fetch())
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
            conv = _wire(await self._client.conversations.fetch(conversation))
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
        walk = _Walk(self, address, flex_number, since, until, addresses)
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
            workflow_sid = _wire(flex).get("taskrouter_target_workflow_sid")
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
            conv = _wire(await self._client.conversations.fetch(sid))
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
        addresses = [_wire(a) for a in await self._client.channels.list().to_list()]
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


class _Walk:
    """One trace: the steps in order; after a failure the rest are skipped."""

    def __init__(
        self,
        doctor: AsyncDoctor,
        address: str,
        flex_number: str | None,
        since: datetime | None,
        until: datetime | None,
        addresses: builtins.list[dict[str, Any]],
    ) -> None:
        self.d = doctor
        self.client = doctor.client
        self.address = address
        self.flex_number = flex_number
        self.since = since
        self.until = until
        self.addresses = addresses
        self.conversation_sid: str | None = None

    async def _flow_published(self, flow_sid: str) -> bool:
        try:
            flow = await self.client.studio.flows.fetch(flow_sid)
        except APIStatusError as exc:
            if exc.status == 404:
                return False
            raise
        return str(flow.status) == "published"

    async def _services_of(self, number: dict[str, Any]) -> builtins.list[dict[str, Any]]:
        """The Messaging Services whose inbound webhook would run in parallel and whose sender
        pool holds the number: one list of services, then the pools of those services only."""
        found = []
        messaging = self.client.messaging.services
        async for service in messaging.list():
            row = _wire(service)
            if not service_runs_in_parallel(row):
                continue
            async for member in messaging.phone_numbers.list(str(row.get("sid"))):
                if member.sid == number.get("sid") or (
                    member.phone_number == number.get("phone_number")
                ):
                    found.append(row)
                    break
        return found

    async def run(self, conv: dict[str, Any] | None) -> builtins.list[Check]:
        checks: builtins.list[Check] = []
        for _key, found in await self._steps(conv):
            checks.append(found)
            if found.status == "failed":
                break
        done = {c.key for c in checks}
        checks.extend(skipped(k) for k in STEPS if k not in done)
        return checks

    async def _steps(self, conv: dict[str, Any] | None) -> builtins.list[tuple[str, Check]]:
        out: builtins.list[tuple[str, Check]] = []
        client = self.client
        # 1. the Messages log
        messages = await self.d._pages(
            ops.LIST_MESSAGES_2010,
            path_params={"AccountSid": client.account_sid},
            values={
                "from_": self.address,
                "to": self.flex_number,
                "date_sent_after": self.since.date().isoformat() if self.since else None,
            },
            limit=200,
        ).to_list()
        c = check_received(
            messages,
            customer=self.address,
            flex_number=self.flex_number,
            since=self.since,
            until=self.until,
        )
        out.append(("received", c))
        if c.status == "failed":
            return out
        self.flex_number = self.flex_number or c.evidence.get("to")
        # 2. the address configuration (and its Studio flow)
        config = next((a for a in self.addresses if a.get("address") == self.flex_number), None)
        ac = (config or {}).get("auto_creation") or {}
        flow_sid = ac.get("studio_flow_sid") if ac.get("type") == "studio" else None
        executions: builtins.list[dict[str, Any]] | None = []
        if flow_sid:
            window_from = self.since or ((conv and parse_time(conv.get("date_created"))) or None)
            executions = await self.d._flow_executions(flow_sid, window_from, self.until)
        flow_exists: bool | None = None
        if flow_sid:
            flow_exists = await self._flow_published(flow_sid)
        number = None
        if str(self.flex_number).startswith("+"):
            found = await client.phone_numbers.find(str(self.flex_number))
            number = _wire(found) if found is not None else None
        services = await self._services_of(number) if number is not None else []
        c = check_address(
            config,
            address=str(self.flex_number),
            flow_exists=flow_exists,
            number=number,
            services=services,
        )
        out.append(("address", c))
        if c.status == "failed":
            return out
        # 3. the conversation
        if conv is None:
            rows = await client.conversations.list_for(address=self.address).to_list()
            row = pick_conversation([_wire(r) for r in rows], flex_number=self.flex_number)
        else:
            row = {
                "conversation_sid": conv.get("sid"),
                "conversation_state": conv.get("state"),
                "conversation_date_created": conv.get("date_created"),
            }
        c = check_conversation(row, customer=self.address, flex_number=self.flex_number)
        out.append(("conversation", c))
        if c.status == "failed" or row is None:
            return out
        sid = str(row.get("conversation_sid"))
        self.conversation_sid = sid
        conv = conv or _wire(await client.conversations.fetch(sid))
        # 4. the scoped webhook (or the hand-over to Flex)
        hooks = [_wire(h) for h in await client.conversations.webhooks.list(sid).to_list()]
        tasks = await self.d._tasks_of(sid)
        c = check_webhook(hooks, auto_creation=ac, task_sids=[str(t.get("sid")) for t in tasks])
        out.append(("webhook", c))
        if c.status == "failed":
            return out
        # 5. Studio
        steps: builtins.list[dict[str, Any]] = []
        if flow_sid:
            execution = None
            for ex in executions or []:
                ctx = await self.d._read(
                    ops.FETCH_EXECUTION_CONTEXT,
                    path_params={"FlowSid": flow_sid, "ExecutionSid": str(ex.get("sid"))},
                )
                if execution_conversation(ctx) == sid:
                    execution = ex
                    break
            if execution is not None:
                steps = await self.d._pages(
                    ops.LIST_STEPS,
                    path_params={"FlowSid": flow_sid, "ExecutionSid": str(execution.get("sid"))},
                ).to_list()
                steps.sort(key=lambda s: str(s.get("date_created") or ""))
                for step in steps:  # a list leaves the context out: read each step's
                    ctx = await self.d._read(
                        ops.FETCH_STEP_CONTEXT,
                        path_params={
                            "FlowSid": flow_sid,
                            "ExecutionSid": str(execution.get("sid")),
                            "StepSid": str(step.get("sid")),
                        },
                    )
                    step["context"] = ctx.get("context") or {}
            c = check_studio(flow_sid, execution, steps)
        else:
            c = skipped("studio", "the address does not use Studio")
        out.append(("studio", c))
        if c.status == "failed":
            return out
        # 6. the task and the interaction channel
        task: dict[str, Any] | None = None
        if tasks:
            task = _wire(await client.routing.tasks.fetch(str(tasks[-1].get("sid"))))
        attrs = attributes_of((task or {}).get("attributes"))
        interaction_sid = attrs.get("flexInteractionSid")
        channel_sid = attrs.get("flexInteractionChannelSid")
        if not interaction_sid:
            interaction_sid, channel_sid = interaction_of(steps)
        channel = None
        if interaction_sid and channel_sid:
            channel = _wire(await client.interactions.channels.fetch(interaction_sid, channel_sid))
        c = check_task(task, channel, conversation_sid=sid)
        out.append(("task", c))
        if c.status == "failed" or task is None:
            return out
        # 7. the reservation, the agent and the agent's role
        task_sid = str(task.get("sid"))
        reservations = [
            _wire(r) for r in await client.routing.reservations.list(task_sid).to_list()
        ]
        people = [_wire(p) for p in await client.conversations.participants.list(sid).to_list()]
        accepted = accepted_reservation(reservations)
        identity = participant = role = None
        if accepted is not None:
            worker = _wire(await client.routing.workers.fetch(str(accepted.get("worker_sid"))))
            identity = worker_identity(worker)
            participant = next((p for p in people if p.get("identity") == identity), None)
            role_sid = (participant or {}).get("role_sid")
            if role_sid:
                role = _wire(await client.conversations.roles.fetch(str(role_sid)))
        c = check_agent(task, reservations, identity=identity, participant=participant, role=role)
        out.append(("agent", c))
        if c.status == "failed":
            return out
        # 8. completion
        agents = [str(p.get("identity")) for p in people if p.get("identity")]
        out.append(("completion", check_completion(task, conv, agents)))
        return out


class AsyncScan:
    """A running scan: iterate it for `Finding` values; `progress`, `cursor` and `summary`
    tell how far it is.  Made by [`scan()`][flexconv._async.doctor.AsyncDoctor.scan]."""

    def __init__(
        self,
        doctor: AsyncDoctor,
        limiter: AsyncRateLimiter,
        concurrency: int,
        cursor: ScanCursor,
        include_healthy: bool,
        on_progress: Callable[[ScanProgress], object] | None,
    ) -> None:
        client = doctor.client
        self._doctor = doctor
        self._convs = type(client.conversations)(client, limiter=limiter)
        routing = type(client.routing)(client, limiter=limiter)
        self._tasks = routing.tasks
        self._reservations = routing.reservations
        self._workflows = routing.workflows
        #: reservation timeout by workflow (one entry per workflow of the account)
        self._timeouts: dict[str, int] = {}
        self._channels = type(client.channels)(client, limiter=limiter)
        self._concurrency = concurrency
        self._include_healthy = include_healthy
        self._on_progress = on_progress
        #: Where the scan got to: pass it to ``scan(resume=...)`` to go on from there.
        self.cursor = cursor
        self._seen = cursor.seen
        self._counts = dict.fromkeys(FINDING_KINDS, 0)

    @property
    def progress(self) -> ScanProgress:
        """Conversations classified so far, findings by kind, and the resume cursor."""
        return ScanProgress(seen=self._seen, counts=dict(self._counts), cursor=self.cursor)

    @property
    def summary(self) -> ScanSummary:
        """Counts by finding kind (complete once iteration ended)."""
        return ScanSummary(counts=dict(self._counts), seen=self._seen)

    def __aiter__(self) -> AsyncIterator[Finding]:
        return self._run()

    def _advance(self, phase: Any, next_url: str | None) -> None:
        self.cursor = ScanCursor(phase=phase, next_page_url=next_url, seen=self._seen)
        if self._on_progress is not None:
            self._on_progress(self.progress)

    def _count(self, f: Finding) -> bool:
        self._counts[f.kind] = self._counts.get(f.kind, 0) + 1
        return self._include_healthy or f.kind != "healthy"

    async def _run(self) -> AsyncIterator[Finding]:
        order = ("addresses", "active", "inactive", "tasks", "done")
        start = order.index(self.cursor.phase) if self.cursor.phase in order else len(order) - 1
        for phase in order[start:]:
            if phase == "done":
                break
            url = self.cursor.next_page_url if phase == self.cursor.phase else None
            if phase == "addresses":
                pager: Any = self._channels.list()
            elif phase == "tasks":
                pager = self._tasks.list(assignment_status=_OPEN_TASKS)
            else:
                pager = self._convs.list(state=phase, page_size=100)
            if url:
                pager = pager.resume(url)
            async for page in pager.pages():
                items = builtins.list(page.items)
                if phase == "addresses":
                    found = [_address_finding(_wire(a)) for a in items]
                elif phase == "tasks":
                    lists = await async_map_bounded(self._check_task, items, self._concurrency)
                    found = [f for group in lists for f in group]
                else:
                    found = await async_map_bounded(self._classify, items, self._concurrency)
                    self._seen += len(items)
                shown = [f for f in found if f is not None and self._count(f)]
                for f in shown[:-1]:
                    yield f
                # the cursor moves on before the page's last finding is handed out: a caller
                # that stops after it resumes at the next page
                if page.next_page_url is None:
                    self._advance(order[order.index(phase) + 1], None)
                else:
                    self._advance(phase, page.next_page_url)
                if shown:
                    yield shown[-1]
                if page.next_page_url is None:
                    break

    async def _check_task(self, listed: Any) -> builtins.list[Finding]:
        """An open task: is its conversation closed, is a reservation stuck pending?"""
        task = _wire(await self._tasks.fetch(str(listed.sid)))
        found: builtins.list[Finding] = []
        conv_sid = attributes_of(task.get("attributes")).get("conversationSid")
        if isinstance(conv_sid, str) and conv_sid.startswith("CH"):
            try:
                conv: dict[str, Any] | None = _wire(await self._convs.fetch(conv_sid))
            except APIStatusError as exc:
                if exc.status != 404:
                    raise
                conv = None
            closed = task_conversation_closed(task, conv, conversation_sid=conv_sid)
            if closed is not None:
                found.append(closed)
        now = server_now(task)
        if task.get("assignment_status") == "reserved" and now is not None:
            timeout = await self._reservation_timeout(task.get("workflow_sid"))
            for r in await self._reservations.list(str(task.get("sid"))).to_list():
                stale = stale_reservation(_wire(r), now=now, timeout_seconds=timeout)
                if stale is not None:
                    found.append(stale)
        return found

    async def _reservation_timeout(self, workflow_sid: Any) -> int:
        if not isinstance(workflow_sid, str) or not workflow_sid:
            return 120
        if workflow_sid not in self._timeouts:
            workflow = await self._workflows.fetch(workflow_sid)
            self._timeouts[workflow_sid] = int(workflow.task_reservation_timeout or 120)
        return self._timeouts[workflow_sid]

    async def _classify(self, conv: Any) -> Finding:
        """Reads the conversation's scoped webhooks and tasks side by side; its participants
        only when a task names it (without one, who is in it changes nothing)."""
        sid = str(conv.sid)

        async def read(what: str) -> builtins.list[Any]:
            if what == "webhooks":
                return await self._convs.webhooks.list(sid).to_list()
            return await self._tasks.list(evaluate_task_attributes=task_expression(sid)).to_list()

        hooks, tasks = await async_map_bounded(read, ["webhooks", "tasks"], 2)
        people = await self._convs.participants.list(sid).to_list() if tasks else []
        rows = [_wire(t) for t in tasks]
        rows.sort(key=lambda t: str(t.get("date_created") or ""))
        return classify_conversation(
            _wire(conv), [_wire(h) for h in hooks], [_wire(p) for p in people], rows
        )


def _address_finding(config: dict[str, Any]) -> Finding | None:
    """A misconfigured address, or ``None`` when it routes to Flex."""
    found = check_address(config, address=str(config.get("address")))
    if found.status != "failed":
        return None
    sid = str(config.get("sid"))
    return Finding(
        kind="misconfigured_address",
        sid=sid,
        evidence=found.evidence,
        problem=found.problem,
        fix=found.fix,
    )
