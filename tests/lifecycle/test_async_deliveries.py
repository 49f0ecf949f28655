"""The async colour end to end: the emulator's own signed deliveries go to
`Receiver.handle_async` on the receiver's event loop, and the policies act through
`AsyncFlexConv` (nobody calls a policy directly)."""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flexconv import AsyncFlexConv, FlexConv
from flexconv.emulator import Emulator, WebhookRequest
from flexconv.emulator.scenario import default_scenario
from flexconv.events import Receiver
from flexconv.lifecycle import (
    KEEP_OPEN_ATTRIBUTE,
    REROUTED_ATTRIBUTE,
    AsyncJanitor,
    AsyncTaskLifecycle,
    ChannelRules,
    Wiring,
    auto_accept,
    janitor,
    overrides,
)
from tests.lifecycle.helpers import (
    CUSTOMER,
    HOOK,
    SUPPORT_LINE,
    Centre,
    auto_answer_flow,
    short_wait,
)

T = TypeVar("T")
SORRY = "Sorry, nobody could take this; please write again."


class AsyncHost:
    """A receiver on its own event loop (a thread, as under uvicorn), with an `AsyncFlexConv`
    on the emulator; the emulator's deliveries are answered by ``handle_async`` there."""

    def __init__(self, emu: Emulator) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.answered: list[int] = []

        async def make() -> tuple[AsyncFlexConv, Receiver]:
            client = AsyncFlexConv.emulated(emu)
            return client, Receiver(emu.auth_token, client=client)

        self.client, self.receiver = self.run(make())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def deliver(self, request: WebhookRequest) -> tuple[int, bytes]:
        if threading.current_thread() is self.thread:
            raise AssertionError("a delivery was sent from the receiver's own loop")
        answer = self.run(
            self.receiver.handle_async(request.method, request.url, request.headers, request.body)
        )
        self.answered.append(answer.status)
        return answer.status, answer.body

    def close(self) -> None:
        self.run(self.receiver.aclose())
        self.run(self.client.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@contextmanager
def async_centre(*, seed: int = 7) -> Iterator[tuple[Centre, AsyncHost]]:
    """The default scenario (the support line goes to Studio: Interactions tasks); deliveries
    are held and sent by `pump` from the test's thread."""
    emu = Emulator(seed=seed)
    seeded = emu.seed(copy.deepcopy(default_scenario()))
    emu.webhooks.configure(paused=True)
    host = AsyncHost(emu)
    emu.webhooks.register(HOOK, host.deliver)
    with FlexConv.emulated(emu) as client:
        emu.simulate.set_activity("bob", "Offline")
        centre = Centre(
            emu,
            client,
            host.receiver,
            seeded.workspace_sid,
            seeded.workflows["Assign to Anyone"],
            seeded.flows["Messaging Flow"],
        )
        try:
            yield centre, host
        finally:
            host.close()


def pump(c: Centre) -> None:
    """Send every held delivery, and those the handlers' own calls cause, until none is left."""
    while c.emu.webhooks.pending():
        c.emu.webhooks.flush()


def test_interactions_task_accepted_wrapped_and_closed_through_handle_async() -> None:
    with async_centre() as (c, host):
        Wiring(c.client).ensure(HOOK)
        auto_answer_flow(c)
        policy = overrides(ChannelRules(on_wrapup="remove_agent", on_complete="leave_open"))
        host.receiver.use(auto_accept(via="event")).use(policy)
        assert isinstance(policy.engine, AsyncTaskLifecycle)

        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        c.emu.advance(0)
        pump(c)
        (task,) = c.client.routing.tasks.list().to_list()
        assert task.sid is not None
        assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) == "assigned"
        identities = [p.identity for p in c.client.conversations.participants.list(conv)]
        assert "alice" in identities

        c.emu.simulate.wrap_up("alice")  # the agent ends the chat in Flex UI
        pump(c)

        assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) == "completed"
        identities = [p.identity for p in c.client.conversations.participants.list(conv)]
        assert "alice" not in identities
        state = c.client.conversations.fetch(conv)
        assert str(state.state) == "active"
        assert (state.attributes or {}).get(KEEP_OPEN_ATTRIBUTE) is True
        handled = {d.event_type for d in c.emu.webhooks.deliveries() if d.status is not None}
        assert {"reservation.created", "task.wrapup", "task.completed"} <= handled
        assert host.answered  # something was answered
        assert set(host.answered) <= {200, 204}


def test_interactions_orphan_rerouted_then_closed_through_handle_async() -> None:
    with async_centre(seed=3) as (c, host):
        Wiring(c.client).ensure(HOOK)
        short_wait(c)
        queue = c.emu.seeded.task_queues["Everyone"]
        policy = janitor(action="reroute", queue_sid=queue, message=SORRY)
        host.receiver.use(policy)
        assert isinstance(policy.engine, AsyncJanitor)
        c.emu.webhooks.configure(duplicate_probability=0.5, out_of_order=True, seed=3)

        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        c.emu.advance(0)
        pump(c)
        c.emu.advance(31)  # the workflow gives up
        pump(c)
        tasks = c.client.routing.tasks.list(assignment_status=["pending"]).to_list()
        assert len(tasks) == 1
        rerouted = c.client.routing.tasks.fetch(tasks[0].sid or "")
        assert (rerouted.attributes or {}).get("rerouted") is True
        assert (c.client.conversations.fetch(conv).attributes or {})[REROUTED_ATTRIBUTE] is True

        c.emu.advance(86_401)  # the re-routed task's TTL runs out
        pump(c)
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        assert c.client.routing.tasks.list(assignment_status=["pending"]).to_list() == []
        bodies = [m.body for m in c.client.conversations.messages.list(conv)]
        assert bodies.count(SORRY) == 1
        assert any(d.duplicate for d in c.emu.webhooks.deliveries())
        assert host.answered  # something was answered
        assert set(host.answered) <= {200, 204}
