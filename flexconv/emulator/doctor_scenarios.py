"""Named scenarios for the doctor: each failure Twilio's Conversations FAQ describes, planted on
an emulator, and three accounts (Flex Conversations, legacy messaging, a mix).

    emu = Emulator.from_scenario()                       # the default contact centre
    planted = plant(emu, "studio_step_failed")           # one failure, with who to trace
    emu = scenario_emulator("planted-failures")          # every failure on one account
    emu = scenario_emulator("orphans", orphans=5, healthy=20)

`PLANTS` maps each failure to the checklist step that must fail for it.  The CLI's
``flexconv doctor --emulator --scenario NAME`` uses `scenario_emulator`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._base import ApiError, bad_request
from .conversations.api import AutoCreation
from .studio.api import messaging_flow_definition
from .webhooks import WebhookRequest

if TYPE_CHECKING:
    from .emulator import Emulator

__all__ = [
    "PLANTS",
    "SCENARIOS",
    "Planted",
    "plant",
    "plant_all",
    "plant_task_conversation_closed",
    "scenario_emulator",
    "seed_conversations",
]

#: The default scenario's Flex number.
FLEX_NUMBER = "+15005550006"
#: The URL the failing HTTP Request widget calls (answered 500 by a registered receiver).
FAILING_URL = "https://lookup.example.com/customer"
#: The inbound webhook of the Messaging Service planted around a Flex number.
SERVICE_URL = "https://notifications.example.com/inbound"


@dataclass
class Planted:
    """A planted failure: who to trace and which step must fail (``None``: healthy)."""

    name: str
    customer: str
    flex_number: str
    step: str | None
    conversation_sid: str | None = None


def _address(emu: Emulator, number: str, **ac: Any) -> None:
    auto = AutoCreation()
    auto.enabled = bool(ac.pop("enabled", True))
    for key, value in ac.items():
        setattr(auto, key, value)
    emu.conversations.create_address("sms", number, friendly_name=f"doctor {number}",
                                     auto_creation=auto)  # fmt: skip


def _flow(emu: Emulator, name: str, states: list[dict[str, Any]]) -> str:
    definition = {
        "description": name,
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": states,
    }
    return emu.studio.create_flow(name, definition, status="published").sid


def _trigger(first: str | None) -> dict[str, Any]:
    transitions = [{"event": "incomingConversationMessage"}]
    if first:
        transitions[0]["next"] = first
    return {"name": "Trigger", "type": "trigger", "transitions": transitions, "properties": {}}


def _send_to_flex(emu: Emulator, workflow: str | None = None) -> dict[str, Any]:
    seeded = emu.seeded
    wf = workflow or next(iter(seeded.workflows.values()))
    flow = messaging_flow_definition(wf, seeded.task_channels.get("chat", "chat"))
    state: dict[str, Any] = next(s for s in flow["states"] if s["type"] == "send-to-flex")
    return state


def _message(emu: Emulator, to: str, customer: str, body: str = "Hello?") -> str | None:
    """The customer writes; returns the conversation SID (``None`` when Twilio drops it)."""
    try:
        return emu.simulate.customer_message(to, customer, body).conversation_sid
    except ApiError:
        return None


def _offer(emu: Emulator, conversation_sid: str) -> tuple[str, str] | None:
    """(worker name, reservation SID) of the pending offer of the conversation's task."""
    for worker in emu.seeded.workers:
        for r in emu.simulate.reservations(worker):
            task = emu.taskrouter.get_task(r.workspace_sid, r.task_sid)
            if task.attributes.get("conversationSid") == conversation_sid:
                return worker, r.task_sid
    return None


def _accept(emu: Emulator, conversation_sid: str) -> str:
    emu.advance(0)
    offer = _offer(emu, conversation_sid)
    if offer is None:
        raise bad_request(f"No pending offer for {conversation_sid}")
    emu.simulate.accept(offer[0], offer[1])
    return offer[0]


# ---------------------------------------------------------------------- the failures
def _healthy(emu: Emulator, n: int) -> Planted:
    customer = f"+1555010{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    _accept(emu, sid)
    return Planted("healthy", customer, FLEX_NUMBER, None, sid)


def _not_received(emu: Emulator, n: int) -> Planted:
    return Planted("not_received", f"+1555020{n:04d}", FLEX_NUMBER, "received")


def _address_missing(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500556{n:04d}", f"+1555030{n:04d}"
    _message(emu, number, customer)
    return Planted("address_missing", customer, number, "address")


def _auto_creation_off(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500557{n:04d}", f"+1555040{n:04d}"
    _address(emu, number, enabled=False)
    _message(emu, number, customer)
    return Planted("auto_creation_off", customer, number, "address")


def _wrong_type(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500558{n:04d}", f"+1555050{n:04d}"
    _address(emu, number, type="default")
    sid = _message(emu, number, customer)
    return Planted("wrong_type", customer, number, "address", sid)


def _no_flow(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500559{n:04d}", f"+1555060{n:04d}"
    flow = _flow(emu, f"Deleted flow {n}", [_trigger(None)])
    _address(emu, number, type="studio", studio_flow_sid=flow)
    emu.studio.flows.pop(flow)
    sid = _message(emu, number, customer)
    return Planted("no_flow", customer, number, "address", sid)


def _sms_url(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500564{n:04d}", f"+1555160{n:04d}"
    flow = emu.seeded.flows["Messaging Flow"]
    _address(emu, number, type="studio", studio_flow_sid=flow)
    emu.phone_numbers.create(number, sms_url="https://legacy.example.com/sms", sms_method="POST")
    sid = _message(emu, number, customer)
    return Planted("sms_url", customer, number, "address", sid)


def _messaging_service(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500565{n:04d}", f"+1555180{n:04d}"
    flow = emu.seeded.flows["Messaging Flow"]
    _address(emu, number, type="studio", studio_flow_sid=flow)
    emu.messaging.seed(
        {"messaging_services": [{"friendly_name": f"Notifications {n}",
                                 "inbound_request_url": SERVICE_URL, "phone_numbers": [number]}]}
    )  # fmt: skip
    sid = _message(emu, number, customer)
    return Planted("messaging_service", customer, number, "address", sid)


def _no_conversation(emu: Emulator, n: int) -> Planted:
    customer = f"+1555070{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    emu.advance(0)
    with emu.operation():
        emu.conversations.delete(emu.conversations.get(sid))
    return Planted("no_conversation", customer, FLEX_NUMBER, "conversation")


def _orphaned(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500560{n:04d}", f"+1555080{n:04d}"
    flow = _flow(emu, f"Silent flow {n}", [_trigger(None)])
    _address(emu, number, type="studio", studio_flow_sid=flow)
    sid = _message(emu, number, customer)
    assert sid is not None
    with emu.operation():
        emu.conversations.remove_studio_webhooks(emu.conversations.get(sid))
    return Planted("orphaned", customer, number, "webhook", sid)


def _studio_step_failed(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500561{n:04d}", f"+1555090{n:04d}"

    def failing(request: WebhookRequest) -> int:
        return 500

    emu.webhooks.register(FAILING_URL, failing)
    flex = _send_to_flex(emu)
    lookup = {
        "name": "LookupCustomer",
        "type": "make-http-request",
        "properties": {"method": "POST", "url": FAILING_URL, "content_type": "application/json"},
        "transitions": [{"event": "success", "next": flex["name"]}, {"event": "failed"}],
    }
    flow = _flow(emu, f"Lookup flow {n}", [_trigger("LookupCustomer"), lookup, flex])
    _address(emu, number, type="studio", studio_flow_sid=flow)
    sid = _message(emu, number, customer)
    return Planted("studio_step_failed", customer, number, "studio", sid)


def _no_task(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500562{n:04d}", f"+1555100{n:04d}"
    reply = {
        "name": "Reply",
        "type": "send-message",
        "properties": {"body": "Thanks, we will get back to you."},
        "transitions": [{"event": "sent"}, {"event": "failed"}],
    }
    flow = _flow(emu, f"Reply-only flow {n}", [_trigger("Reply"), reply])
    _address(emu, number, type="studio", studio_flow_sid=flow)
    sid = _message(emu, number, customer)
    return Planted("no_task", customer, number, "task", sid)


def _channel_failed(emu: Emulator, n: int) -> Planted:
    number, customer = f"+1500563{n:04d}", f"+1555110{n:04d}"
    flex = _send_to_flex(emu, workflow="WW" + "0" * 32)
    flow = _flow(emu, f"Broken routing flow {n}", [_trigger(flex["name"]), flex])
    _address(emu, number, type="studio", studio_flow_sid=flow)
    sid = _message(emu, number, customer)
    emu.advance(0)
    return Planted("channel_failed", customer, number, "task", sid)


def _reservation_not_accepted(emu: Emulator, n: int) -> Planted:
    customer = f"+1555120{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    emu.advance(0)
    offer = _offer(emu, sid)
    if offer is not None:
        emu.simulate.reject(offer[0], offer[1])
    return Planted("reservation_not_accepted", customer, FLEX_NUMBER, "agent", sid)


def _agent_missing(emu: Emulator, n: int) -> Planted:
    customer = f"+1555130{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    emu.flex.orchestration = "custom"  # accepting adds nobody
    try:
        _accept(emu, sid)
    finally:
        emu.flex.orchestration = "flex"
    return Planted("agent_missing", customer, FLEX_NUMBER, "agent", sid)


def _agent_wrong_role(emu: Emulator, n: int) -> Planted:
    customer = f"+1555140{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    worker = _accept(emu, sid)
    convs = emu.conversations
    with emu.operation():
        conv = convs.get(sid)
        agent = convs.get_participant(conv, worker)
        convs.update_participant(conv, agent, role_sid=convs.role_by_name("channel user").sid)
    return Planted("agent_wrong_role", customer, FLEX_NUMBER, "agent", sid)


def _completed_but_open(emu: Emulator, n: int) -> Planted:
    customer = f"+1555150{n:04d}"
    sid = _message(emu, FLEX_NUMBER, customer)
    assert sid is not None
    worker = _accept(emu, sid)
    emu.flex.orchestration = "custom"  # completing cleans nothing up
    try:
        emu.simulate.complete(worker)
    finally:
        emu.flex.orchestration = "flex"
    return Planted("completed_but_open", customer, FLEX_NUMBER, "completion", sid)


def plant_task_conversation_closed(emu: Emulator, n: int = 0) -> Planted:
    """Custom orchestration: a task made through TaskRouter for a conversation someone closed."""
    customer = f"+1555170{n:04d}"
    convs = emu.conversations
    with emu.operation():
        conv = convs.create(friendly_name=None)
        convs.add_participant(conv, address=customer, proxy_address=FLEX_NUMBER)
        emu.taskrouter.create_task(
            emu.seeded.workspace_sid, attributes={"conversationSid": conv.sid}, task_channel="chat"
        )
        convs.close(conv)
    return Planted("task_conversation_closed", customer, FLEX_NUMBER, None, conv.sid)


#: failure name -> what plants it (on a default-seeded emulator).
PLANTS: dict[str, Callable[[Emulator, int], Planted]] = {
    "healthy": _healthy,
    "not_received": _not_received,
    "address_missing": _address_missing,
    "auto_creation_off": _auto_creation_off,
    "wrong_type": _wrong_type,
    "no_flow": _no_flow,
    "sms_url": _sms_url,
    "messaging_service": _messaging_service,
    "no_conversation": _no_conversation,
    "orphaned": _orphaned,
    "studio_step_failed": _studio_step_failed,
    "no_task": _no_task,
    "channel_failed": _channel_failed,
    "reservation_not_accepted": _reservation_not_accepted,
    "agent_missing": _agent_missing,
    "agent_wrong_role": _agent_wrong_role,
    "completed_but_open": _completed_but_open,
}


def plant(emu: Emulator, name: str, n: int = 0) -> Planted:
    """Plant one failure (numbers made distinct by ``n``) on a default-seeded emulator."""
    if name not in PLANTS:
        raise bad_request(f"Unknown failure {name!r}; expected one of {', '.join(PLANTS)}")
    return PLANTS[name](emu, n)


def plant_all(emu: Emulator) -> list[Planted]:
    """Every failure, one after the other, on one account (each agent finishing before the next
    failure needs one is not required: each failure uses its own customer and task)."""
    out = []
    for i, name in enumerate(PLANTS):
        out.append(plant(emu, name, i))
        _free_agents(emu)
    return out


def _free_agents(emu: Emulator) -> None:
    """Complete the agents' open tasks so the next planted failure finds them free (its
    conversation keeps whatever was planted: the clean-up runs in custom orchestration)."""
    previous = emu.flex.orchestration
    emu.flex.orchestration = "custom"
    try:
        for worker in emu.seeded.workers:
            while True:
                try:
                    emu.simulate.complete(worker)
                except ApiError:
                    break
            for r in emu.simulate.reservations(worker):
                emu.simulate.reject(worker, r.task_sid)
    finally:
        emu.flex.orchestration = previous


def seed_conversations(
    emu: Emulator, *, healthy: int, orphans: int, with_tasks: int | None = None
) -> list[str]:
    """``healthy`` conversations and ``orphans`` with neither a scoped webhook nor a task,
    created through the Python API (fast enough for thousands); returns the orphans' SIDs.

    Each healthy conversation carries the Messaging Flow's Studio webhook (a customer still in
    the flow); the first ``with_tasks`` of them (all by default) were also handed to Flex: a
    TaskRouter task waiting in the queue names them.  Tasks are made while the agents are
    offline, so routing does not run for each (it costs the emulator O(tasks) per task).
    """
    convs = emu.conversations
    tr = emu.taskrouter
    ws = emu.seeded.workspace_sid
    flow = emu.seeded.flows.get("Messaging Flow")
    tasks_left = healthy if with_tasks is None else with_tasks
    orphan_sids: list[str] = []
    with emu.operation():
        workers = {sid: tr.get_worker(ws, sid).activity_sid for sid in emu.seeded.workers.values()}
        offline = emu.seeded.activities.get("Offline")
        if offline:
            for sid in workers:
                tr.update_worker(ws, sid, activity_sid=offline)
        for i in range(healthy + orphans):
            customer = f"+1555{i:07d}"
            conv = convs.create(friendly_name=None)
            convs.add_participant(conv, address=customer, proxy_address=FLEX_NUMBER)
            if i < orphans:
                orphan_sids.append(conv.sid)
                continue
            if flow:
                convs.add_webhook(conv, "studio", flow_sid=flow, filters=["onMessageAdded"])
            if tasks_left > 0:
                tasks_left -= 1
                tr.create_task(
                    ws,
                    attributes={"conversationSid": conv.sid, "from": customer},
                    task_channel="chat",
                )
        if offline:
            for sid, activity in workers.items():
                if activity:
                    tr.update_worker(ws, sid, activity_sid=activity)
    return orphan_sids


def _conversations_account(emu: Emulator) -> None:
    _healthy(emu, 0)


def _legacy_account(emu: Emulator) -> None:
    for cfg in list(emu.conversations.addresses.values()):
        del emu.conversations.addresses[cfg.sid]
    _legacy_flows(emu)


def _legacy_flows(emu: Emulator) -> None:
    chat = emu.sids.new("IS")
    emu.flex.configuration["chat_service_instance_sid"] = chat
    flow = next(iter(emu.seeded.flows.values()))
    emu.flex.flex_flows.create(
        "SMS Flex Flow", chat, "sms", contact_identity="+15005550009",
        integration_type="studio", integration={"flow_sid": flow},
    )  # fmt: skip
    emu.flex.flex_flows.create(
        "Webchat Flex Flow", chat, "web", integration_type="studio",
        integration={"flow_sid": flow},
    )  # fmt: skip


def _mixed_account(emu: Emulator) -> None:
    _legacy_flows(emu)


def _planted(emu: Emulator) -> None:
    plant_all(emu)
    plant_task_conversation_closed(emu, len(PLANTS))


def _orphans(emu: Emulator, healthy: int = 20, orphans: int = 5) -> None:
    seed_conversations(emu, healthy=healthy, orphans=orphans, with_tasks=healthy // 2)


#: scenario name -> what it adds to the default contact centre.
SCENARIOS: dict[str, Callable[..., object]] = {
    "default": lambda emu: None,
    "conversations": _conversations_account,
    "legacy": _legacy_account,
    "mixed": _mixed_account,
    "planted-failures": _planted,
    "orphans": _orphans,
    **{f"failure:{name}": (lambda emu, _n=name: plant(emu, _n)) for name in PLANTS},
}


def scenario_emulator(name: str, *, seed: int = 0, **options: Any) -> Emulator:
    """A default-seeded emulator with the named doctor scenario applied (see `SCENARIOS`)."""
    from .emulator import Emulator

    if name not in SCENARIOS:
        raise bad_request(f"Unknown scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
    emu = Emulator.from_scenario(seed=seed)
    SCENARIOS[name](emu, **options)
    return emu
