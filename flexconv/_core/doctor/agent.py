"""Step 7: was the reservation accepted, and is the agent a participant with the ``agent`` role
whose permissions are exactly the standard ones?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import AGENT_PERMISSIONS, check

__all__ = ["accepted_reservation", "check_agent"]

_ENDED = ("completed", "canceled")


def accepted_reservation(reservations: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The reservation an agent accepted (accepted, wrapping or completed), if any."""
    for r in reservations:
        if r.get("reservation_status") in ("accepted", "wrapping", "completed"):
            return r
    return None


def check_agent(
    task: Mapping[str, Any],
    reservations: Iterable[Mapping[str, Any]],
    *,
    identity: str | None,
    participant: Mapping[str, Any] | None,
    role: Mapping[str, Any] | None,
) -> Check:
    """``identity``/``participant``/``role``: the accepting worker's chat identity, its
    conversation participant (``None`` when absent) and that participant's role."""
    res = list(reservations)
    statuses = [str(r.get("reservation_status")) for r in res]
    evidence: dict[str, Any] = {"task_sid": task.get("sid"), "reservations": statuses}
    accepted = accepted_reservation(res)
    if accepted is None:
        status = task.get("assignment_status")
        if status in _ENDED or any(s in ("rejected", "timeout") for s in statuses):
            return check(
                "agent",
                "failed",
                evidence,
                problem="No agent accepted the task"
                + (f" ({', '.join(statuses)})" if statuses else "")
                + f"; it is {status}.",
                fix="Check agents are available with capacity on the task channel, and the "
                "workflow's targets and timeouts; handle workflow.timeout.",
            )
        return check(
            "agent",
            "warning",
            evidence,
            problem=f"The task is {status}: waiting for an agent to accept.",
            fix="Make an agent available on the queue the workflow targets.",
        )
    evidence.update(
        {
            "reservation_sid": accepted.get("sid"),
            "worker_sid": accepted.get("worker_sid"),
            "identity": identity,
        }
    )
    if participant is None:
        if task.get("assignment_status") in _ENDED:
            evidence["note"] = "the agent left when the task ended"
            return check("agent", "ok", evidence)
        return check(
            "agent",
            "failed",
            evidence,
            problem=f"{identity} accepted but is not a participant of the conversation.",
            fix="With the Interactions API Flex adds the agent on accept; with your own "
            "orchestration add them: client.conversations.participants.create(conv, "
            "identity=..., role_sid=<agent role>).",
        )
    evidence["participant_sid"] = participant.get("sid")
    evidence["role_sid"] = participant.get("role_sid")
    perms = set((role or {}).get("permissions") or [])
    if role is not None:
        evidence["role"] = role.get("friendly_name")
    if role is None or perms != AGENT_PERMISSIONS:
        missing = sorted(AGENT_PERMISSIONS - perms)
        extra = sorted(perms - AGENT_PERMISSIONS)
        evidence.update({"missing_permissions": missing, "extra_permissions": extra})
        return check(
            "agent",
            "failed",
            evidence,
            problem=f"{identity}'s role "
            + (f"{role.get('friendly_name')!r} " if role else "")
            + "does not carry the agent permissions"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; extra {', '.join(extra)}" if extra else "")
            + ".",
            fix="Give the participant Flex's agent role (RoleSid) or restore that role's "
            "permissions to the standard seven.",
        )
    return check("agent", "ok", evidence)
