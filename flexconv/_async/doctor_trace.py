"""One ``client.doctor.trace``: the troubleshooting checklist's steps read in order, each judged
by its check in ``flexconv._core.doctor``; after a failure the rest are skipped."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv._core.doctor.address import check_address, service_runs_in_parallel
from flexconv._core.doctor.agent import accepted_reservation, check_agent
from flexconv._core.doctor.completion import check_completion
from flexconv._core.doctor.conversation import check_conversation, pick_conversation
from flexconv._core.doctor.received import check_received
from flexconv._core.doctor.report import Check
from flexconv._core.doctor.studio import check_studio, execution_conversation, interaction_of
from flexconv._core.doctor.task import check_task
from flexconv._core.doctor.values import (
    STEPS,
    attributes_of,
    parse_time,
    skipped,
    wire_dict,
    worker_identity,
)
from flexconv._core.doctor.webhook import check_webhook
from flexconv._core.errors import APIStatusError
from flexconv._core.ops import doctor as ops

if TYPE_CHECKING:
    from flexconv._async.doctor import AsyncDoctor

__all__ = ["TraceWalk"]


class TraceWalk:
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
            row = wire_dict(service)
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
            number = wire_dict(found) if found is not None else None
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
            row = pick_conversation([wire_dict(r) for r in rows], flex_number=self.flex_number)
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
        conv = conv or wire_dict(await client.conversations.fetch(sid))
        # 4. the scoped webhook (or the hand-over to Flex)
        hooks = [wire_dict(h) for h in await client.conversations.webhooks.list(sid).to_list()]
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
            task = wire_dict(await client.routing.tasks.fetch(str(tasks[-1].get("sid"))))
        attrs = attributes_of((task or {}).get("attributes"))
        interaction_sid = attrs.get("flexInteractionSid")
        channel_sid = attrs.get("flexInteractionChannelSid")
        if not interaction_sid:
            interaction_sid, channel_sid = interaction_of(steps)
        channel = None
        if interaction_sid and channel_sid:
            channel = wire_dict(
                await client.interactions.channels.fetch(interaction_sid, channel_sid)
            )
        c = check_task(task, channel, conversation_sid=sid)
        out.append(("task", c))
        if c.status == "failed" or task is None:
            return out
        # 7. the reservation, the agent and the agent's role
        task_sid = str(task.get("sid"))
        reservations = [
            wire_dict(r) for r in await client.routing.reservations.list(task_sid).to_list()
        ]
        people = [wire_dict(p) for p in await client.conversations.participants.list(sid).to_list()]
        accepted = accepted_reservation(reservations)
        identity = participant = role = None
        if accepted is not None:
            worker = wire_dict(await client.routing.workers.fetch(str(accepted.get("worker_sid"))))
            identity = worker_identity(worker)
            participant = next((p for p in people if p.get("identity") == identity), None)
            role_sid = (participant or {}).get("role_sid")
            if role_sid:
                role = wire_dict(await client.conversations.roles.fetch(str(role_sid)))
        c = check_agent(task, reservations, identity=identity, participant=participant, role=role)
        out.append(("agent", c))
        if c.status == "failed":
            return out
        # 8. completion
        agents = [str(p.get("identity")) for p in people if p.get("identity")]
        out.append(("completion", check_completion(task, conv, agents)))
        return out
