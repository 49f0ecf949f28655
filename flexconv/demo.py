"""flexconv's main job on the embedded emulator: one SMS conversation, end to end.

The emulator plays Twilio and the people (the customer texting in, the agent's Flex UI); every
Twilio-side step is done or observed through flexconv's public client.  Each step prints the
SIDs involved and checks the state it observes; `run()` returns the number of failed checks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TextIO

from flexconv._sync.client import FlexConv
from flexconv.emulator import Emulator
from flexconv.emulator.scenario import default_scenario

__all__ = ["run"]

CUSTOMER = "+15551230000"
SUPPORT_LINE = "+15005550006"


class _Steps:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failures = 0
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        print(f"\n{self.number}. {title}", file=self.out)

    def show(self, label: str, value: Any) -> None:
        print(f"   {label:<22} {value}", file=self.out)

    def check(self, what: str, observed: Any, expected: Any) -> None:
        ok = observed == expected
        mark = "ok " if ok else "FAIL"
        print(
            f"   [{mark}] {what}: {observed!r}" + ("" if ok else f" (expected {expected!r})"),
            file=self.out,
        )
        if not ok:
            self.failures += 1


def run(out: TextIO, *, log: Callable[[str], None] | None = None) -> int:
    """Walk the conversation; print each step to ``out``; return the number of failed checks."""
    scenario = copy.deepcopy(default_scenario())
    scenario["addresses"] = []  # flexconv configures the address itself below
    emu = Emulator.from_scenario(scenario)
    seeded = emu.seeded
    ws = seeded.workspace_sid
    s = _Steps(out)
    print("flexconv demo: a small contact centre on the embedded Flex emulator", file=out)
    with FlexConv.emulated(emu) as client:
        s.step("Route the support line to Flex through the Messaging Flow")
        flow_sid = seeded.flows["Messaging Flow"]
        address = client.channels.route_to_flex(SUPPORT_LINE, flow_sid=flow_sid)
        s.show("address", f"{address.address} ({address.sid})")
        s.show("studio flow", flow_sid)
        s.check(
            "auto-creation type",
            str(address.auto_creation.type) if address.auto_creation else None,
            "studio",
        )

        s.step("Only alice is on shift: she is the agent who will get the task")
        emu.simulate.set_activity("bob", "Offline")
        alice = client.routing.workers.resolve("alice", workspace_sid=ws)
        s.show("worker", f"alice ({alice.sid})")
        s.check("alice available", alice.available, True)

        s.step("A customer texts the support line")
        emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi, where is my order #1234?")
        found = client.conversations.find_reusable(CUSTOMER)
        s.check("conversation created for the customer", found is not None, True)
        if found is None or found.conversation_sid is None:
            return s.failures
        conv_sid = found.conversation_sid
        s.show("conversation", conv_sid)
        first = client.conversations.messages.list(conv_sid).to_list()
        s.check("first message", [m.body for m in first], ["Hi, where is my order #1234?"])

        s.step("Flex sets up the interaction and routes the task")
        emu.advance(0)
        tasks = client.routing.tasks.list(
            assignment_status=["pending", "reserved"], workspace_sid=ws
        ).to_list()
        s.check("tasks waiting", len(tasks), 1)
        if not tasks or tasks[0].sid is None:
            return s.failures
        task_sid: str = tasks[0].sid
        task = client.routing.tasks.fetch(task_sid, workspace_sid=ws)
        attrs: dict[str, Any] = task.attributes or {}
        interaction_sid = attrs.get("flexInteractionSid")
        s.show("task", f"{task.sid} ({task.task_channel_unique_name})")
        s.show("interaction", interaction_sid)
        s.check("task linked to the conversation", attrs.get("conversationSid"), conv_sid)
        s.check("task status", str(task.assignment_status), "reserved")
        if interaction_sid:
            channels = client.interactions.channels.list(interaction_sid).to_list()
            s.show("interaction channel", ", ".join(f"{c.sid} [{c.status}]" for c in channels))
            s.check("interaction channel active", [str(c.status) for c in channels], ["active"])

        s.step("alice accepts the reservation in Flex")
        reservations = client.routing.reservations.list(
            task_sid,
            reservation_status="pending",
            workspace_sid=ws,
        ).to_list()
        s.check("pending reservation for alice", [r.worker_sid for r in reservations], [alice.sid])
        if not reservations or reservations[0].sid is None:
            return s.failures
        emu.simulate.accept("alice", task_sid)
        task = client.routing.tasks.fetch(task_sid, workspace_sid=ws)
        s.show("reservation", reservations[0].sid)
        s.check("task status", str(task.assignment_status), "assigned")
        participants = client.conversations.participants.list(conv_sid).to_list()
        agents = [p for p in participants if p.identity is not None]
        s.show(
            "participants",
            ", ".join(
                f"{p.sid} ({p.identity or (p.messaging_binding or {}).get('address')})"
                for p in participants
            ),
        )
        s.check("alice joined the conversation", [p.identity for p in agents], ["alice"])

        s.step("Messages both ways")
        reply = client.conversations.messages.create(
            conv_sid, author="alice", body="Hi! It ships tomorrow."
        )
        s.show("agent message", reply.sid)
        emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Great, thanks!")
        bodies = [m.body for m in client.conversations.messages.list(conv_sid)]
        s.check(
            "conversation transcript",
            bodies,
            ["Hi, where is my order #1234?", "Hi! It ships tomorrow.", "Great, thanks!"],
        )

        s.step("alice wraps up and completes the task")
        emu.simulate.wrap_up("alice", task_sid)
        s.check(
            "task status after wrap-up",
            str(client.routing.tasks.fetch(task_sid, workspace_sid=ws).assignment_status),
            "wrapping",
        )
        emu.simulate.complete("alice", task_sid)
        task = client.routing.tasks.fetch(task_sid, workspace_sid=ws)
        s.check("task status after completion", str(task.assignment_status), "completed")

        s.step("The conversation is closed")
        conv = client.conversations.fetch(conv_sid)
        s.show("conversation", f"{conv.sid} [{conv.state}]")
        s.check("conversation state", str(conv.state), "closed")
        s.check(
            "customer has no open conversation",
            client.conversations.find_reusable(CUSTOMER),
            None,
        )

    verdict = (
        "all steps observed as expected" if s.failures == 0 else f"{s.failures} check(s) failed"
    )
    print(f"\n{verdict}", file=out)
    return s.failures
