"""Step 4: does the conversation have a scoped webhook with the target its address names?  A
conversation with neither a scoped webhook nor a Flex task is orphaned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check

__all__ = ["check_webhook"]


def check_webhook(
    webhooks: Iterable[Mapping[str, Any]],
    *,
    auto_creation: Mapping[str, Any] | None,
    task_sids: Iterable[str] = (),
) -> Check:
    """``webhooks`` of the conversation; ``auto_creation`` of its address; ``task_sids`` of
    the tasks that reference it (Send to Flex removes the Studio webhook once it hands over)."""
    hooks = list(webhooks)
    tasks = list(task_sids)
    targets = [
        {
            "sid": h.get("sid"),
            "target": h.get("target"),
            "flow_sid": (h.get("configuration") or {}).get("flow_sid"),
            "url": (h.get("configuration") or {}).get("url"),
        }
        for h in hooks
    ]
    evidence: dict[str, Any] = {"webhooks": targets}
    ac = auto_creation or {}
    kind = ac.get("type")
    expected = ac.get("studio_flow_sid") if kind == "studio" else ac.get("webhook_url")
    matches = [
        t
        for t in targets
        if kind in ("studio", "webhook")
        and t["target"] == kind
        and (t["flow_sid"] if kind == "studio" else t["url"]) == expected
    ]
    if matches:
        return check("webhook", "ok", {**evidence, "matching": matches[0]["sid"]})
    if tasks:
        evidence["task_sids"] = tasks
        return check("webhook", "ok", {**evidence, "handed_to_flex": True})
    if targets:
        return check(
            "webhook",
            "warning",
            evidence,
            problem=f"The conversation's webhooks do not point at the address's {kind} target "
            f"({expected}).",
            fix="Check which service answers this conversation; remove stale webhooks.",
        )
    return check(
        "webhook",
        "failed",
        evidence,
        problem="Orphaned: the conversation has no scoped webhook and no Flex task, so no one "
        "will ever see the customer's messages.",
        fix="Send it to Flex: client.doctor.rescue(apply=True, workflow_sid='WW…'), or close it.",
    )
