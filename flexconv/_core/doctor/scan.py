"""The scan's classification of one open conversation (and of account-wide leftovers), from
the values read for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flexconv._core.doctor.report import Finding
from flexconv._core.doctor.values import parse_time

__all__ = [
    "FINDING_KINDS",
    "classify_conversation",
    "server_now",
    "stale_reservation",
    "task_conversation_closed",
]

FINDING_KINDS = (
    "healthy",
    "orphaned",
    "stuck",
    "customer_alone",
    "agent_on_closed_task",
    "misconfigured_address",
    "stale_reservation",
    "task_conversation_closed",
)
_OPEN = ("pending", "reserved", "assigned", "wrapping")


def classify_conversation(
    conversation: Mapping[str, Any],
    webhooks: Iterable[Mapping[str, Any]],
    participants: Iterable[Mapping[str, Any]],
    tasks: Iterable[Mapping[str, Any]],
) -> Finding:
    """Classify one non-closed conversation.

    ``tasks`` are the tasks whose attributes reference it (listed: statuses only).  Orphaned:
    no scoped webhook and no task.  Agent on a closed task: every task ended and an agent is
    still in.  Stuck: every task ended, the conversation still open.  Customer alone: a task is
    assigned or wrapping but no agent is in.
    """
    sid = str(conversation.get("sid"))
    hooks = list(webhooks)
    people = list(participants)
    tasks = list(tasks)
    agents = sorted(str(p.get("identity")) for p in people if p.get("identity"))
    customers = [p for p in people if p.get("messaging_binding") or not p.get("identity")]
    statuses = {str(t.get("sid")): str(t.get("assignment_status")) for t in tasks}
    evidence: dict[str, Any] = {
        "state": conversation.get("state"),
        "webhooks": len(hooks),
        "tasks": statuses,
        "agents": agents,
    }
    newest = tasks[-1] if tasks else None
    task_sid = str(newest.get("sid")) if newest else None
    if not hooks and not tasks:
        return Finding(
            kind="orphaned",
            sid=sid,
            conversation_sid=sid,
            evidence=evidence,
            problem="No scoped webhook and no task: nobody sees this customer's messages.",
            fix="client.doctor.rescue(apply=True) sends it to Flex; or close it.",
        )
    open_tasks = [s for s in statuses.values() if s in _OPEN]
    if tasks and not open_tasks:
        if agents:
            return Finding(
                kind="agent_on_closed_task",
                sid=sid,
                conversation_sid=sid,
                task_sid=task_sid,
                evidence=evidence,
                problem=f"The task ended but {', '.join(agents)} is still in the conversation.",
                fix="Remove the agent and close the conversation (or close the interaction "
                "channel).",
            )
        return Finding(
            kind="stuck",
            sid=sid,
            conversation_sid=sid,
            task_sid=task_sid,
            evidence=evidence,
            problem="The task ended but the conversation is still open.",
            fix="Close it: client.conversations.close(sid), or set a closed timer.",
        )
    if any(s in ("assigned", "wrapping") for s in open_tasks) and not agents and customers:
        return Finding(
            kind="customer_alone",
            sid=sid,
            conversation_sid=sid,
            task_sid=task_sid,
            evidence=evidence,
            problem="The task is assigned but no agent is in the conversation: the customer "
            "is alone.",
            fix="Invite an agent (client.interactions.invite_worker) or close the interaction.",
        )
    return Finding(kind="healthy", sid=sid, conversation_sid=sid, task_sid=task_sid,
                   evidence=evidence)  # fmt: skip


def stale_reservation(
    reservation: Mapping[str, Any], *, now: datetime, timeout_seconds: int
) -> Finding | None:
    """A pending reservation far (twice) past its workflow's reservation timeout."""
    if reservation.get("reservation_status") != "pending":
        return None
    created = parse_time(reservation.get("date_created"))
    if created is None or now - created <= timedelta(seconds=2 * timeout_seconds):
        return None
    age = int((now - created).total_seconds())
    return Finding(
        kind="stale_reservation",
        sid=str(reservation.get("sid")),
        task_sid=reservation.get("task_sid"),
        evidence={
            "age_seconds": age,
            "timeout_seconds": timeout_seconds,
            "worker_sid": reservation.get("worker_sid"),
        },
        problem=f"Reservation pending for {age} s (timeout {timeout_seconds} s).",
        fix="Check the assignment callback answers and the Flex UI is connected for the worker.",
    )


def server_now(task: Mapping[str, Any]) -> datetime | None:
    """The time as TaskRouter sees it: a task's ``date_created`` plus its ``age``."""
    created = parse_time(task.get("date_created"))
    age = task.get("age")
    if created is None or not isinstance(age, int):
        return None
    return created + timedelta(seconds=age)


def task_conversation_closed(
    task: Mapping[str, Any], conversation: Mapping[str, Any] | None, *, conversation_sid: str
) -> Finding | None:
    """A task still waiting or assigned whose conversation is closed or gone (``None`` when
    the conversation is open, or the task is wrapping up as Flex leaves it on close)."""
    status = task.get("assignment_status")
    if status not in ("pending", "reserved", "assigned"):
        return None
    state = None if conversation is None else conversation.get("state")
    if conversation is not None and state != "closed":
        return None
    what = "was deleted" if conversation is None else "is closed"
    return Finding(
        kind="task_conversation_closed",
        sid=str(task.get("sid")),
        conversation_sid=conversation_sid,
        task_sid=str(task.get("sid")),
        evidence={"assignment_status": status, "conversation_state": state},
        problem=f"The task is {status} but its conversation {what}.",
        fix="Cancel the task (plain TaskRouter task) or close its interaction channel.",
    )
