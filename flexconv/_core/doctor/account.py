"""Account checks the steps depend on: Flex UI 2.x, the Flex workspace and workflow, and the
Conversations default service and timers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check

__all__ = ["check_conversations_config", "check_flex_config", "iso_duration"]


def iso_duration(value: Any) -> timedelta | None:
    """A simple ISO 8601 duration (``PT10M``, ``P1D``, ``PT1H30M``) as a timedelta."""
    if not isinstance(value, str) or not value.startswith("P"):
        return None
    days = seconds = 0.0
    number = ""
    in_time = False
    for ch in value[1:]:
        if ch == "T":
            in_time = True
        elif ch.isdigit() or ch == ".":
            number += ch
        else:
            if not number:
                return None
            n = float(number)
            number = ""
            if ch == "D" and not in_time:
                days += n
            elif ch == "W" and not in_time:
                days += 7 * n
            elif ch == "H" and in_time:
                seconds += 3600 * n
            elif ch == "M" and in_time:
                seconds += 60 * n
            elif ch == "S" and in_time:
                seconds += n
            else:
                return None
    return timedelta(days=days, seconds=seconds)


def check_flex_config(
    config: Mapping[str, Any], *, workspace_found: bool | None, workflow_found: bool | None
) -> Check:
    """Flex UI version and the workspace/workflow the configuration names."""
    version = str(config.get("ui_version") or "")
    evidence = {
        "ui_version": version or None,
        "workspace_sid": config.get("taskrouter_workspace_sid"),
        "workflow_sid": config.get("taskrouter_target_workflow_sid"),
    }
    problems = []
    if version and not version.lstrip("~^").startswith("2."):
        problems.append(f"Flex UI {version}: Flex Conversations needs Flex UI 2.x")
    if not config.get("taskrouter_workspace_sid") or workspace_found is False:
        problems.append("the Flex workspace named in the configuration does not exist")
    if config.get("taskrouter_target_workflow_sid") and workflow_found is False:
        problems.append("the Flex workflow named in the configuration does not exist")
    return check(
        "flex",
        "failed" if problems else "ok",
        evidence,
        title="Is Flex on UI 2.x with its workspace and workflow?",
        problem="; ".join(problems).capitalize() + "." if problems else None,
        fix="Upgrade to Flex UI 2.x; point taskrouter_workspace_sid/"
        "taskrouter_target_workflow_sid at existing resources."
        if problems
        else None,
        step=0,
    )


def check_conversations_config(config: Mapping[str, Any]) -> Check:
    """The default Conversations service and the default timers."""
    inactive = iso_duration(config.get("default_inactive_timer"))
    closed = iso_duration(config.get("default_closed_timer"))
    evidence = {
        "default_chat_service_sid": config.get("default_chat_service_sid"),
        "default_messaging_service_sid": config.get("default_messaging_service_sid"),
        "default_inactive_timer": config.get("default_inactive_timer"),
        "default_closed_timer": config.get("default_closed_timer"),
    }
    problems = []
    if not config.get("default_chat_service_sid"):
        problems.append("no default Conversations service")
    if inactive is not None and inactive < timedelta(minutes=1):
        problems.append("the inactive timer is under a minute")
    if closed is None:
        problems.append(
            "no default closed timer: conversations nobody closes stay open (orphans pile up)"
        )
    elif closed < timedelta(minutes=10):
        problems.append("the closed timer is under ten minutes")
    status = "ok"
    if problems:
        status = "failed" if not config.get("default_chat_service_sid") else "warning"
    return check(
        "conversations",
        status,  # type: ignore[arg-type]
        evidence,
        title="Does Conversations have a default service and sane timers?",
        problem="; ".join(problems).capitalize() + "." if problems else None,
        fix="Set DefaultClosedTimer (e.g. P1D) and DefaultInactiveTimer (≥ PT1M) on the "
        "Conversations Configuration."
        if problems
        else None,
        step=0,
    )
