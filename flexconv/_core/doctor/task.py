"""Step 6: did Studio (or your code) create an interaction and a task?  The task whose
attributes reference the conversation, and the interaction channel's status and error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import attributes_of, check

__all__ = ["check_task", "task_expression"]


def task_expression(conversation_sid: str) -> str:
    """The TaskRouter expression selecting the tasks of a conversation."""
    return f'conversationSid == "{conversation_sid}"'


def check_task(
    task: Mapping[str, Any] | None,
    channel: Mapping[str, Any] | None,
    *,
    conversation_sid: str,
) -> Check:
    """``task``: the conversation's newest task (fetched, with attributes); ``channel``: the
    interaction channel named by its attributes or by Studio's Send to Flex step."""
    evidence: dict[str, Any] = {"conversation_sid": conversation_sid}
    if channel is not None:
        evidence.update(
            {
                "interaction_sid": channel.get("interaction_sid"),
                "channel_sid": channel.get("sid"),
                "channel_status": channel.get("status"),
                "error_code": channel.get("error_code"),
                "error_message": channel.get("error_message"),
            }
        )
        if channel.get("status") == "failed":
            return check(
                "task",
                "failed",
                evidence,
                problem=f"The interaction channel {channel.get('sid')} failed "
                f"(error {channel.get('error_code')}: {channel.get('error_message')}).",
                fix="Look the error code up at twilio.com/docs/errors; check the workspace, "
                "workflow and task channel the routing names.",
            )
    if task is None:
        return check(
            "task",
            "failed",
            evidence,
            problem="No TaskRouter task references this conversation: nothing sent it to Flex.",
            fix="Add a Send to Flex widget on the flow's path, or create the interaction "
            "yourself (client.interactions.create_for_conversation).",
        )
    attrs = attributes_of(task.get("attributes"))
    evidence.update(
        {
            "task_sid": task.get("sid"),
            "assignment_status": task.get("assignment_status"),
            "reason": task.get("reason"),
            "interaction_sid": evidence.get("interaction_sid") or attrs.get("flexInteractionSid"),
        }
    )
    return check("task", "ok", evidence)
