"""Step 8: after completion the task is completed, the agent removed and the conversation
closed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check

__all__ = ["check_completion"]


def check_completion(
    task: Mapping[str, Any],
    conversation: Mapping[str, Any],
    agents: Iterable[str],
) -> Check:
    """``agents``: identities of the chat participants still in the conversation."""
    status = task.get("assignment_status")
    state = conversation.get("state")
    left = sorted(agents)
    evidence: dict[str, Any] = {
        "task_sid": task.get("sid"),
        "assignment_status": status,
        "conversation_state": state,
        "agents_in_conversation": left,
    }
    if status not in ("completed", "canceled"):
        evidence["note"] = "the task is not completed yet"
        return check("completion", "ok", evidence)
    problems = []
    if state != "closed":
        problems.append(f"the conversation is still {state}")
    if left:
        problems.append(f"{', '.join(left)} still in it")
    if not problems:
        return check("completion", "ok", evidence)
    return check(
        "completion",
        "failed",
        evidence,
        problem=f"The task is {status} but " + " and ".join(problems) + ".",
        fix="Close through the interaction channel (client.interactions.channels.close) "
        "rather than completing the task in TaskRouter; or close the conversation and remove "
        "the agent yourself.",
    )
