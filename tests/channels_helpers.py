"""Helpers for the channels tests (sync and async): a spec-checked emulator and a Flex setup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flexconv.emulator.emulator import Emulator
from flexconv.emulator.studio import messaging_flow_definition
from tests.checked import CheckedEmulator

PHONE = "+15551230000"
CUSTOMER = "+15005550006"
HOOK_URL = "https://backend.example.com/conversations-events"


@dataclass
class FlexSetup:
    """What :func:`flex_emulator` built."""

    emu: Emulator
    checked: CheckedEmulator
    workspace_sid: str
    workflow_sid: str
    flow_sid: str
    hook_calls: list[Any] = field(default_factory=list)


def flex_emulator() -> FlexSetup:
    """An emulator with a Flex workspace (one agent, one queue, a workflow, the chat channel)
    and the default Messaging Flow; a receiver is registered at :data:`HOOK_URL`."""
    emu = Emulator(seed=7)
    tr = emu.taskrouter
    ws = tr.create_workspace("Flex Task Assignment")
    available = next(a for a in ws.activities.values() if a.friendly_name == "Available")
    tr.create_worker(
        ws.sid, "alice", attributes={"routing": {"skills": []}}, activity_sid=available.sid
    )
    queue = tr.create_task_queue(ws.sid, "Everyone")
    workflow = tr.create_workflow(
        ws.sid,
        "Assign to Anyone",
        {"task_routing": {"filters": [], "default_filter": {"queue": queue.sid}}},
    )
    chat = next((c for c in ws.task_channels.values() if c.unique_name == "chat"), None)
    if chat is None:
        chat = tr.create_task_channel(ws.sid, "chat", "Chat")
    emu.flex.update_configuration(
        {"taskrouter_workspace_sid": ws.sid, "taskrouter_target_workflow_sid": workflow.sid}
    )
    flow = emu.studio.create_flow(
        "Messaging Flow", messaging_flow_definition(workflow.sid, chat.sid)
    )
    setup = FlexSetup(emu, CheckedEmulator(emu), ws.sid, workflow.sid, flow.sid)

    def receiver(request: Any) -> int:
        setup.hook_calls.append(request)
        return 200

    emu.webhooks.register(HOOK_URL, receiver)
    return setup
