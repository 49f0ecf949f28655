"""``flexconv demo --auto-accept``: a conversation accepted and closed by the backend.

The embedded emulator plays Twilio and the customer; nobody plays the agent.  A
[`Receiver`][flexconv.events.Receiver] gets the emulator's signed callbacks in-process, with
[`auto_accept`][flexconv.lifecycle.auto_accept] and [`overrides`][flexconv.lifecycle.overrides]
installed: the reservation is accepted from the backend, the agent joins the conversation with
the ``agent`` role, and the backend completes the task, which closes the conversation.
`run()` returns the number of failed checks.
"""

from __future__ import annotations

import copy
import json
from typing import Any, TextIO

from flexconv._sync.client import FlexConv
from flexconv.emulator import Emulator, WebhookRequest
from flexconv.emulator.scenario import default_scenario
from flexconv.events import Receiver
from flexconv.lifecycle.policies import auto_accept, overrides
from flexconv.lifecycle.rules import ChannelRules

__all__ = ["run"]

CUSTOMER = "+15551230000"
SUPPORT_LINE = "+15005550006"
HOOK = "https://backend.example.com/twilio"


def run(out: TextIO) -> int:
    """Walk the conversation; print each step to ``out``; return the number of failed checks."""
    failures = 0
    number = 0

    def step(title: str) -> None:
        nonlocal number
        number += 1
        print(f"\n{number}. {title}", file=out)

    def show(label: str, value: Any) -> None:
        print(f"   {label:<22} {value}", file=out)

    def check(what: str, observed: Any, expected: Any) -> None:
        nonlocal failures
        ok = observed == expected
        print(
            f"   [{'ok ' if ok else 'FAIL'}] {what}: {observed!r}"
            + ("" if ok else f" (expected {expected!r})"),
            file=out,
        )
        failures += not ok

    emu = Emulator.from_scenario(copy.deepcopy(default_scenario()))
    seeded = emu.seeded
    print("flexconv demo --auto-accept: the backend accepts and ends the task", file=out)
    with FlexConv.emulated(emu) as client:
        receiver = Receiver(emu.auth_token, client=client)

        def deliver(request: WebhookRequest) -> tuple[int, bytes]:
            answer = receiver.handle(request.method, request.url, request.headers, request.body)
            return answer.status, answer.body

        emu.webhooks.register(HOOK, deliver)
        policy = overrides(ChannelRules(complete_message="Thanks for writing in. Goodbye!"))
        receiver.use(auto_accept()).use(policy)

        step("Wire the account's callbacks to the backend's receiver")
        from flexconv.lifecycle._sync.wiring import Wiring

        plan = Wiring(client).ensure(HOOK)
        for change in plan.changes:
            show("set", change)
        again = Wiring(client).ensure(HOOK, dry_run=True)
        check("wiring again changes nothing", again.changes, [])

        step('The Messaging Flow marks its tasks autoAnswer "true"; only alice is on shift')
        flow_sid = seeded.flows["Messaging Flow"]
        flow = client.studio.flows.fetch(flow_sid)
        definition = copy.deepcopy(flow.definition or {})
        for state in definition.get("states", []):
            if state.get("type") == "send-to-flex":
                attributes = json.loads(state["properties"]["attributes"])
                attributes["autoAnswer"] = "true"
                state["properties"]["attributes"] = json.dumps(attributes)
        client.studio.flows.update(flow_sid, definition=definition, status="published")
        emu.simulate.set_activity("bob", "Offline")
        show("flow", flow_sid)

        step("A customer texts the support line")
        inbound = emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Is my order shipped?")
        conv_sid = inbound.conversation_sid
        if conv_sid is None:  # only a refusing pre-action webhook leaves it out
            raise RuntimeError("the customer's message opened no conversation")
        show("conversation", conv_sid)
        emu.advance(0)  # Flex creates the interaction and routes the task

        step("The backend accepted the reservation: no agent clicked anything")
        tasks = client.routing.tasks.list().to_list()
        check("one task", len(tasks), 1)
        if not tasks or tasks[0].sid is None:
            return failures
        task_sid = tasks[0].sid
        task = client.routing.tasks.fetch(task_sid)
        task_attributes: dict[str, Any] = dict(task.attributes or {})
        show("task", f"{task_sid} autoAnswer={task_attributes.get('autoAnswer')}")
        check("task status", str(task.assignment_status), "assigned")
        accepted = [
            d
            for d in emu.webhooks.deliveries(event_type="reservation.accepted")
            if d.outcome == "delivered"
        ]
        check("reservation.accepted delivered to the backend", len(accepted) >= 1, True)
        roles: dict[str | None, str | None] = {
            r.sid: r.friendly_name for r in client.conversations.roles.list()
        }
        agents = {
            p.identity: roles.get(p.role_sid)
            for p in client.conversations.participants.list(conv_sid)
            if p.identity is not None
        }
        check("agents in the conversation (role)", agents, {"alice": "agent"})

        step("The backend completes the task through the Interactions API")
        done = policy.engine.complete(task_sid)
        check("task status", str(done.assignment_status) if done else None, "completed")
        bodies = [m.body for m in client.conversations.messages.list(conv_sid)]
        show("transcript", bodies)
        check("goodbye posted", bodies[-1:], ["Thanks for writing in. Goodbye!"])
        state = client.conversations.fetch(conv_sid).state
        check("conversation state", str(state), "closed")
        check(
            "customer has no open conversation", client.conversations.find_reusable(CUSTOMER), None
        )

    verdict = "all steps observed as expected" if failures == 0 else f"{failures} check(s) failed"
    print(f"\n{verdict}", file=out)
    return failures
