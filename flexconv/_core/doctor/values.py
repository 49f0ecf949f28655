"""Small readers shared by the checks: attributes, timestamps, identities, standard values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from flexconv._core.doctor.links import DOCS
from flexconv._core.doctor.report import Check, Status

__all__ = [
    "AGENT_PERMISSIONS",
    "attributes_of",
    "check",
    "parse_time",
    "skipped",
    "wire_dict",
    "worker_identity",
]

#: The permissions of Flex's ``agent`` conversation role.
AGENT_PERMISSIONS = frozenset(
    {
        "sendMessage",
        "sendMediaMessage",
        "leaveConversation",
        "editConversationAttributes",
        "editOwnMessage",
        "editOwnMessageAttributes",
        "deleteOwnMessage",
    }
)

TITLES: dict[str, tuple[int, str]] = {
    "received": (1, "Did Twilio receive the message?"),
    "address": (2, "Is the number a Conversations address that routes to Flex?"),
    "conversation": (3, "Did auto-creation make a conversation with the sender in it?"),
    "webhook": (4, "Does the conversation have its Studio or webhook target?"),
    "studio": (5, "Did the message reach the Studio flow?"),
    "task": (6, "Did Flex create an interaction and a task?"),
    "agent": (7, "Was the reservation accepted and is the agent in with the agent role?"),
    "completion": (8, "After completion: task completed, agent removed, conversation closed?"),
}
STEPS = tuple(TITLES)


def check(
    key: str,
    status: Status,
    evidence: Mapping[str, Any] | None = None,
    *,
    problem: str | None = None,
    fix: str | None = None,
    title: str | None = None,
    step: int | None = None,
) -> Check:
    """A `Check` for a checklist step (number, title and docs link filled in from ``key``)."""
    number, default_title = TITLES.get(key, (0, key))
    return Check(
        step=number if step is None else step,
        key=key,
        title=title or default_title,
        status=status,
        evidence={k: v for k, v in (evidence or {}).items() if v is not None},
        problem=problem,
        fix=fix,
        docs=DOCS.get(key) or DOCS["account"],
    )


def skipped(key: str, reason: str = "an earlier step failed") -> Check:
    """The check of a step that was not run."""
    return check(key, "skipped", {"reason": reason})


def attributes_of(value: Any) -> dict[str, Any]:
    """A resource's ``attributes``: a JSON string on the wire, a dict once decoded."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {}


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp (the 2010 API's), or ``None``."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def worker_identity(worker: Mapping[str, Any]) -> str | None:
    """The chat identity Flex gives a worker: its ``contact_uri`` without ``client:``, else its
    friendly name."""
    attrs = attributes_of(worker.get("attributes"))
    uri = attrs.get("contact_uri")
    if isinstance(uri, str) and uri:
        return uri[len("client:") :] if uri.startswith("client:") else uri
    name = worker.get("friendly_name")
    return str(name) if name else None


def wire_dict(value: Any) -> dict[str, Any]:
    """A model (or a mapping) as its wire dict."""
    if isinstance(value, Mapping):
        return dict(value)
    out: dict[str, Any] = value.to_dict()
    return out
