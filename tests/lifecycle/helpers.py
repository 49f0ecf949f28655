"""An emulated contact centre whose callbacks reach a Receiver in-process, with the lifecycle
policies installed and no simulated agent action."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from flexconv import FlexConv
from flexconv.emulator import Emulator, WebhookRequest
from flexconv.emulator.scenario import default_scenario
from flexconv.events import Receiver

HOOK = "https://backend.example.com/twilio"
SUPPORT_LINE = "+15005550006"
CUSTOMER = "+15551230000"


@attrs.define
class Centre:
    emu: Emulator
    client: FlexConv
    receiver: Receiver
    workspace_sid: str
    workflow_sid: str
    flow_sid: str

    def worker_sid(self, name: str) -> str:
        return self.emu.seeded.workers[name]


def connect(emu: Emulator, receiver: Receiver, url: str = HOOK) -> None:
    """Deliver ``url``'s webhooks to ``receiver`` in-process (its answer goes back to Twilio)."""

    def deliver(request: WebhookRequest) -> tuple[int, bytes]:
        answer = receiver.handle(request.method, request.url, request.headers, request.body)
        return answer.status, answer.body

    emu.webhooks.register(url, deliver)


@contextmanager
def centre(*, studio: bool = True, seed: int = 7) -> Iterator[Centre]:
    """The default scenario; the support line goes to Studio (Interactions tasks) or, with
    ``studio=False``, to nothing (the test creates custom TaskRouter tasks itself)."""
    scenario: dict[str, Any] = copy.deepcopy(default_scenario())
    if not studio:
        scenario["addresses"][0]["auto_creation"] = {
            "type": "webhook",
            "webhook_url": HOOK,
            "webhook_filters": ["onMessageAdded"],
        }
    emu = Emulator(seed=seed)
    seeded = emu.seed(scenario)
    with FlexConv.emulated(emu) as client:
        receiver = Receiver(emu.auth_token, client=client)
        connect(emu, receiver)
        emu.simulate.set_activity("bob", "Offline")
        yield Centre(
            emu,
            client,
            receiver,
            seeded.workspace_sid,
            seeded.workflows["Assign to Anyone"],
            seeded.flows["Messaging Flow"],
        )
        receiver.close()


def auto_answer_flow(c: Centre) -> None:
    """Make the Messaging Flow's Send to Flex widget add ``autoAnswer: "true"``."""
    flow = c.client.studio.flows.fetch(c.flow_sid)
    definition = copy.deepcopy(flow.definition)
    for state in definition["states"]:
        if state["type"] == "send-to-flex":
            attributes = json.loads(state["properties"]["attributes"])
            attributes["autoAnswer"] = "true"
            state["properties"]["attributes"] = json.dumps(attributes)
    c.client.studio.flows.update(c.flow_sid, definition=definition, status="published")


def short_wait(c: Centre) -> None:
    """Every worker offline; the workflow tries its one queue for 30 s, then times out."""
    from flexconv.models.routing import RoutingFilter, RoutingTarget, WorkflowConfiguration

    c.emu.simulate.set_activity("alice", "Offline")
    queue = c.emu.seeded.task_queues["Everyone"]
    config = WorkflowConfiguration(
        filters=(
            RoutingFilter(expression="1==1", targets=(RoutingTarget(queue=queue, timeout=30),)),
        )
    )
    c.client.routing.workflows.update(c.workflow_sid, configuration=config)
